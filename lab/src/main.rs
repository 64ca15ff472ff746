//! `lab`: measure every I/O model and server design of the workspace side
//! by side (not in the book; the book's Figures 30.1 and the §16.2 timings
//! are two of its experiments).
//!
//! `cargo run --release -p lab` (quick mode, about 20 minutes on 2 cores,
//! plus the release build) or `cargo run --release -p lab -- --full`;
//! `--only` and `--servers` make a run short, `--help` lists the rest and
//! gives two short runs of under a minute each. A debug build
//! re-runs itself in release under cargo, or stops with the command. It
//! first builds the binaries it drives (`cargo build --bins` of the server
//! crates, same profile as itself) and installs perf if missing
//! (`--no-build` skips both), finds the binaries beside its own executable,
//! and skips with a note whatever is not built. It writes the results
//! before it prints the report, so a reader that stops early (`lab | head`)
//! loses nothing. `lab --readme DIR` rewrites the README's summary from the
//! run in DIR. See `lab::experiments` for what each experiment does.

use std::env;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::time::{Instant, SystemTime};

use lab::config::{usage, Config, DebugBuild, NoConfig, ALLOW_DEBUG};
use lab::experiments::{Lab, ATTEMPTS, DISTURBED_PCT, LOADGEN};
use lab::procfs::{loadavg, Machine};
use lab::progress::{minutes, say, Progress};
use lab::report::{link_latest, timestamp, write_folder, Results, Table};
use lab::spawn::{kill_children_on_signals, pin_self};
use lab::{perf, readme};

/// The crates whose binaries the lab drives.
const CRATES: [&str; 8] = [
    "lab",
    "tcpcliserv",
    "select",
    "nonblock",
    "threads",
    "aio",
    "server",
    "tinyhttpd",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `cargo build --bins` of the crates the lab drives, in the profile of
/// the lab's own directory; a crate that fails to build is left out, the
/// rest are built (`--keep-going`).
fn build(bin_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "--bins", "--keep-going"]);
    if bin_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    for krate in CRATES {
        cmd.args(["-p", krate]);
    }
    say(format!("lab: building the servers and clients: {cmd:?}"));
    match cmd.status() {
        Ok(status) if status.success() => {}
        Ok(status) => say(format!(
            "lab: the build {status}; what did not build will be skipped"
        )),
        Err(e) => say(format!(
            "lab: cannot run cargo ({e}); measuring what is already built"
        )),
    }
}

fn machine_table(machine: &Machine, cfg: &Config, bin_dir: &Path, load_end: &str) -> String {
    let mut t = Table::new(&["", ""]);
    t.row(vec![
        "CPU".into(),
        format!("{} ({} CPUs)", machine.cpu_model, machine.cpus),
    ]);
    t.row(vec!["kernel".into(), machine.kernel.clone()]);
    t.row(vec!["memory".into(), format!("{} MiB", machine.memory_mib)]);
    t.row(vec![
        "load average at start / end".into(),
        format!("{} / {load_end}", machine.loadavg),
    ]);
    t.row(vec![
        "pinning".into(),
        format!(
            "servers (and all their processes and threads) on CPU {}; load generators, clients, the proxy and the lab on CPU {} (sched_setaffinity)",
            cfg.server_cpu, cfg.load_cpu
        ),
    ]);
    t.row(vec!["binaries".into(), bin_dir.display().to_string()]);
    t.markdown()
}

/// The method, with the numbers of the constants it describes.
fn method() -> String {
    format!(
        "\
## Method

- Every figure in this report comes from this one run; never compare figures from different runs.
- Each server runs pinned to one CPU and the load generator (or client) to another, in separate
  processes, so that neither steals the other's core and each has its own descriptor table.
- Every point starts a fresh server on a free port, warms up, then measures; it is repeated, the
  repeats interleaved across servers (all servers once, then all again), and reported as the
  median with the spread `(min–max)`.
- CPU time is read from /proc for the server's whole process group (every process, every thread,
  and the children it has reaped), in nanoseconds where the kernel gives them.
- Latency percentiles come from an HDR histogram of every round trip of the measured interval.
- During every echo and idle point the lab watches the two CPUs: when other processes take more
  than {DISTURBED_PCT:.0}% of one, the point is measured again, up to {ATTEMPTS} times in all, the least
  disturbed run is kept, and the report says how many were.
"
    )
}

/// Print `text` on stdout; a reader that has gone (`lab | head`) ends the
/// printing, not the lab.
fn print_stdout(text: &str) {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => say(format!("lab: cannot print the report: {e}")),
        Ok(()) => {}
    }
}

/// A debug build re-runs itself in release under cargo, or stops with the
/// command to use.
fn refuse_debug_build(args: &[String]) {
    let decision = DebugBuild::decide(
        cfg!(debug_assertions),
        env::var_os(ALLOW_DEBUG).is_some_and(|v| v == "1"),
        env::var_os("CARGO").is_some(),
        args,
    );
    match decision {
        DebugBuild::Measure => {}
        DebugBuild::Rerun(cargo_args) => {
            let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            say(format!(
                "lab: this is a debug build, whose figures would mean nothing: running `cargo {}`",
                cargo_args.join(" ")
            ));
            let err = Command::new(cargo)
                .args(&cargo_args)
                .current_dir(workspace_root())
                .exec();
            unp::err_quit(format!("lab: cannot run cargo: {err}"));
        }
        DebugBuild::Stop(message) => unp::err_quit(message),
    }
}

fn main() {
    kill_children_on_signals();
    let args: Vec<String> = env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let cfg = match Config::parse(&args) {
        Ok(cfg) => cfg,
        Err(NoConfig::Help) => {
            print_stdout(&format!("{}\n", usage()));
            return;
        }
        Err(NoConfig::Wrong(line)) => unp::err_quit(line),
    };
    if let Some(dir) = &cfg.readme {
        match readme::install(&workspace_root(), dir) {
            Ok(path) => say(format!(
                "lab: rewrote the lab summary of {} from {}",
                path.display(),
                dir.display()
            )),
            Err(e) => unp::err_quit(format!("lab: --readme {}: {e:#}", dir.display())),
        }
        return;
    }
    refuse_debug_build(&args);
    let bin_dir = env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let experiments: Vec<_> = lab::experiments::all()
        .into_iter()
        .filter(|e| cfg.only.contains(&e.name()))
        .collect();
    if cfg.build {
        build(&bin_dir);
        if experiments.iter().any(|e| e.needs_loadgen()) {
            if let Some(done) = perf::install_if_missing() {
                say(format!("lab: {done}"));
            }
        }
    }
    let needs_loadgen = experiments.iter().any(|e| e.needs_loadgen());
    if needs_loadgen && !bin_dir.join(LOADGEN).is_file() {
        unp::err_quit(format!(
            "lab: {LOADGEN} is not built in {}: run `cargo build --release -p lab`",
            bin_dir.display()
        ));
    }
    let started = SystemTime::now();
    let machine = Machine::describe();
    if let Err(e) = pin_self(cfg.load_cpu) {
        say(format!(
            "lab: cannot pin the lab to CPU {}: {e}",
            cfg.load_cpu
        ));
    }
    let mut lab = Lab {
        cfg,
        bin_dir,
        perf: match needs_loadgen {
            true => perf::check(),
            false => Err("not needed".into()),
        },
        results: Results::default(),
    };
    let steps = lab.plan();
    let mut progress = Progress::new(steps.iter().map(|s| s.point.cost(&lab.cfg)).sum());
    let clock = Instant::now();
    for step in &steps {
        progress.show(&step.point.label());
        lab.run(step);
        progress.advance(step.point.cost(&lab.cfg));
    }
    progress.finish();
    drop(steps);

    let stamp = timestamp(started);
    let dir = lab
        .cfg
        .out
        .clone()
        .unwrap_or_else(|| workspace_root().join("results").join(&stamp));
    let mut report = String::from("# unp-rs lab report\n\n");
    let _ = writeln!(
        report,
        "Run {stamp}, `{}` ({} mode), {}.\n\n## Machine\n\n{}\n{}",
        ["lab".to_string()]
            .iter()
            .chain(&args)
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        if lab.cfg.full { "full" } else { "quick" },
        minutes(clock.elapsed()),
        machine_table(&machine, &lab.cfg, &lab.bin_dir, &loadavg()),
        method()
    );
    if let Some(targets) = lab.targets() {
        report += &targets;
        report += "\n";
    }
    let sections = lab.sections();
    for s in &sections {
        report += &s.markdown;
        report += "\n";
    }
    // The files first: a reader that stops reading stdout loses nothing.
    let charts: Vec<_> = sections.iter().flat_map(|s| &s.charts).collect();
    let written = write_folder(&dir, &report, &lab.results.to_csv(), &charts).and_then(|()| {
        if lab.cfg.out.is_none() {
            link_latest(&dir)
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        say(format!("lab: cannot write {}: {e}", dir.display()));
        print_stdout(&report);
        process::exit(1);
    }
    say(format!(
        "lab: wrote {} (report.md, measurements.csv, {} charts)",
        dir.display(),
        charts.len()
    ));
    print_stdout(&report);
}
