//! Running a client to its end with `assert_cmd` (the `cmd` feature, for
//! tests only): with a timeout, in a network namespace, with wrong
//! arguments, or with nobody reading its stdout.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use crate::{bin, bin_dir, Proc, Stdout, TIMEOUT};

/// The program `name` as an `assert_cmd` command that fails after
/// [`TIMEOUT`] instead of hanging.
pub fn client(name: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin(name));
    cmd.timeout(TIMEOUT);
    cmd
}

/// Run the client `name` with `args` and `input` on its stdin, until it
/// exits: its stderr must be `stderr` and its exit status 0. Returns its
/// stdout, bytes as they came.
pub fn run_client(name: &str, args: &[&str], input: &[u8], stderr: &str) -> Vec<u8> {
    let out = client(name)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        stderr,
        "{name} stderr"
    );
    assert!(out.status.success(), "{name}: {:?}", out.status);
    out.stdout
}

/// Run the client `name` with `args` and `input` on its stdin, its stdout a
/// pipe whose reader has gone (`name ... | head -c 0`): it must die of
/// `SIGPIPE` at its first write there (status 141 in a shell) and say
/// nothing on stderr, as the C does. Rust's start-up ignores the signal;
/// `unp::args` gives clients its default action back.
pub fn assert_dies_of_sigpipe(name: &str, args: &[&str], input: &[u8]) {
    let (reader, writer) = nix::unistd::pipe().expect("pipe");
    drop(reader);
    let mut cmd = Command::new(bin(name));
    cmd.args(args);
    Stdout::Replaced(writer).set(&mut cmd);
    let mut proc = Proc::start(&mut cmd, Stdio::piped()).expect("spawn");
    // The client may die before it has read everything: EPIPE here is fine.
    let _ = proc.write_stdin(input);
    proc.close_stdin();
    let status = proc.wait_exit();
    assert_eq!(proc.stderr(), "", "{name} stderr");
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{name}: {status:?}");
}

/// Each case `(program, arguments, line)`: the program, run with those
/// arguments, writes `line` and a newline on stderr, nothing on stdout, and
/// exits 1: a usage line (the book's `err_quit("usage: ...")`) or another
/// one-line refusal of a bad argument. The table-driven check of every
/// crate's command-line errors.
///
/// A usage line is given as the book prints it; where it names another
/// program (`usage: tcpcli ...` from `select-tcpcli01`, `usage: a.out ...`),
/// the program adds `   (this is NAME)`, and so does the expected line here
/// (`unp::err_quit`'s rule, README "Running a program").
///
/// ```no_run
/// unp_tests::assert_usage([
///     ("tcpcli01", &[][..], "usage: tcpcli <IPaddress> [port]"),
///     ("tcpcli01", &["foo"], "inet_pton error for foo"),
/// ]);
/// ```
pub fn assert_usage<'a, N, L>(cases: impl IntoIterator<Item = (N, &'a [&'a str], L)>)
where
    N: AsRef<str>,
    L: AsRef<str>,
{
    for (name, args, line) in cases {
        let (name, line) = (name.as_ref(), line.as_ref());
        let named = line
            .strip_prefix("usage: ")
            .and_then(|u| u.split_whitespace().next());
        let line = match named {
            Some(named) if named != name => format!("{line}   (this is {name})"),
            _ => line.to_string(),
        };
        client(name)
            .args(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("{line}\n"));
    }
}

/// Run `script` with bash in a private network namespace whose loopback is
/// up, so the book's fixed ports (7, 13, 9877) are free; needs root: call
/// [`skip_unless_root`](crate::skip_unless_root) first. The namespace has
/// its own PID namespace too, so every process the script starts dies with
/// it, even on a timeout. The workspace binaries are on `PATH`, and the
/// script can call `wait_listen PORT` and `wait_udp PORT`, bounded waits on
/// `/proc/net`.
pub fn in_netns(script: &str) -> assert_cmd::Command {
    let dir = bin_dir();
    let prelude = format!(
        r#"set -e
ip link set lo up
export PATH="{dir}:$PATH"
wait_port() {{
    local hex; hex=$(printf ':%04X' "$2")
    for _ in $(seq 2000); do
        awk -v p="$hex" -v s="$3" 'NR > 1 && substr($2, length($2) - 4) == p && $4 == s {{ f = 1 }} END {{ exit !f }}' \
            "/proc/net/$1" "/proc/net/${{1}}6" && return 0
        sleep 0.01
    done
    echo "timed out waiting for $1 port $2" >&2
    return 1
}}
wait_listen() {{ wait_port tcp "$1" 0A; }}
wait_udp() {{ wait_port udp "$1" 07; }}
"#,
        dir = dir.display()
    );
    let mut cmd = assert_cmd::Command::new("unshare");
    cmd.args(["--net", "--pid", "--fork", "--kill-child", "--mount-proc"])
        .args(["bash", "-c"])
        .arg(prelude + script)
        .timeout(TIMEOUT);
    cmd
}

/// The program `name` with `args`, spawned alone in a new network
/// namespace whose loopback is up (guard it with `skip_unless_root`):
/// a raw socket there sees only this program's packets.
pub fn spawn_in_netns(name: &str, args: &[&str]) -> Proc {
    let mut cmd = std::process::Command::new("unshare");
    cmd.args([
        "--net",
        "--",
        "sh",
        "-c",
        "ip link set lo up && exec \"$0\" \"$@\"",
    ])
    .arg(bin(name))
    .args(args);
    Proc::spawn_cmd(&mut cmd)
}
