//! The lab's command line as a reader meets it: a debug build that will
//! not measure, `--help`, and a report piped into a reader that stops
//! early (`lab | head`), or interrupted with nowhere to print. Nothing
//! here measures a speed.

use std::fs;
use std::process::{Command, Stdio};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use unp_tests::{children_of, proc_stat, wait_until};

const LAB: &str = env!("CARGO_BIN_EXE_lab");

/// The lab (a debug build, as tests build it) with neither cargo nor the
/// variable that lets a debug build measure in its environment.
fn lab() -> Command {
    let mut cmd = Command::new(LAB);
    cmd.env_remove("CARGO").env_remove("LAB_DEBUG");
    cmd
}

#[test]
fn a_debug_build_stops_with_the_command_to_use() {
    let out = lab().args(["--only", "echo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lab: this is a debug build, whose figures would mean nothing: run `cargo run --release -p lab -- --only echo`\n"
    );
}

#[test]
fn a_debug_build_under_cargo_reruns_itself_in_release() {
    // `echo` stands for cargo: it shows the command the lab hands over to.
    let out = lab()
        .env("CARGO", "/bin/echo")
        .args(["--only", "idle"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "run --release -p lab -- --only idle\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("running `cargo run --release -p lab -- --only idle`"));
}

#[test]
fn help_gives_two_short_runs() {
    let out = lab().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.starts_with("usage: lab "), "{help}");
    assert_eq!(
        help.matches("\n  cargo run --release -p lab -- ").count(),
        2,
        "{help}"
    );
}

#[test]
fn a_wrong_argument_gets_one_line() {
    let out = lab().args(["--only", "echo", "--x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lab: unknown option --x (lab --help lists the options)\n"
    );
}

/// A lab run that measures nothing (fast), writing into `root`.
fn empty_run(root: &std::path::Path) -> Command {
    let _ = fs::remove_dir_all(root);
    let mut cmd = lab();
    cmd.env("LAB_DEBUG", "1")
        .args([
            "--no-build",
            "--only",
            "fig30",
            "--servers",
            "no-such-design",
            "--out",
        ])
        .arg(root);
    cmd
}

#[test]
fn a_reader_that_stops_early_loses_no_result() {
    let root = std::env::temp_dir().join(format!("lab-epipe-test-{}", std::process::id()));
    let mut child = empty_run(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes before the lab prints a byte, as `head` would after
    // its lines: every write to stdout now fails with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("lab: wrote"), "{stderr}");
    let report = fs::read_to_string(root.join("report.md")).unwrap();
    assert!(report.starts_with("# unp-rs lab report"), "{report}");
    assert!(root.join("measurements.csv").is_file());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_closed_stderr_silences_the_lab_but_does_not_stop_it() {
    // `lab 2>&1 | head`, the reader gone: stdout and stderr both fail.
    let root = std::env::temp_dir().join(format!("lab-epipe2-test-{}", std::process::id()));
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = empty_run(&root)
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    drop(reader);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(root.join("report.md").is_file());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn an_interrupt_with_stderr_closed_still_stops_the_run() {
    // `lab 2>&1 | head`, the reader gone, then Ctrl-C: the lab must kill
    // its servers and stop with 130, not run on and write a report.
    let root = std::env::temp_dir().join(format!("lab-sigint-test-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = lab()
        .env("LAB_DEBUG", "1")
        .args([
            "--no-build",
            "--only",
            "echo",
            "--servers",
            "lab-tokio-echo",
            "--conns",
            "1",
            "--repeats",
            "1",
            "--seconds",
            "30",
            "--out",
        ])
        .arg(&root)
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    drop(reader);
    let lab_pid = child.id() as i32;
    let server = || {
        children_of(lab_pid).into_iter().find(|&(pid, _)| {
            fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c == "lab-tokio-echo\n")
        })
    };
    wait_until("the lab starts its server", || server().is_some());
    let (server_pid, _) = server().unwrap();
    kill(Pid::from_raw(lab_pid), Signal::SIGINT).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!root.join("report.md").exists());
    // Killed, then reaped by whoever inherited it (or a zombie there).
    wait_until("the server is killed", || {
        proc_stat(server_pid).is_none_or(|stat| stat[0] == "Z")
    });
    let _ = fs::remove_dir_all(&root);
}
