//! The experiments. Each plans its points (skipping, with a note, what is
//! not built), runs one point at a time, and writes its part of the report
//! from the results of this run only.

pub mod echo;
pub mod fig30;
pub mod http;
pub mod idle;
pub mod strcli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::Config;
use crate::loadgen::{Loadgen, Options, RunResult};
use crate::perf::{Probe, Probed, Session};
use crate::procfs::{
    cpus_busy, group_cpu, group_peak_rss_kib, group_pids, process_cpu, softirq_threads,
};
use crate::report::{Results, Section, Table, Target};
use crate::spawn::Spawned;

/// A sentence on how many points of `experiment` other processes
/// disturbed, from the `attempts` and `other_cpu_pct` samples.
pub fn disturbance(results: &crate::report::Results, experiment: &str) -> String {
    let of = |metric: &str| -> Vec<f64> {
        results
            .samples
            .iter()
            .filter(|s| s.experiment == experiment && s.metric == metric)
            .map(|s| s.value)
            .collect()
    };
    let (attempts, other) = (of("attempts"), of("other_cpu_pct"));
    let again = attempts.iter().filter(|&&a| a > 1.0).count();
    let still = other.iter().filter(|&&o| o > DISTURBED_PCT).count();
    format!(
        "Other processes took more than {DISTURBED_PCT:.0}% of a CPU during {again} of {} points, which were \
         measured again (up to {ATTEMPTS} times in all); {still} stayed disturbed, and are in the figures as measured.\n",
        attempts.len()
    )
}

/// The name of the load generator binary, built with the lab.
pub const LOADGEN: &str = "lab-loadgen";

/// One experiment of the lab. To add one, write a module with a type that
/// implements this trait and list it in [`all`]: the command line
/// (`--only`), the progress bar, the report, the CSV and the README summary
/// pick it up from there.
pub trait Experiment: Sync {
    /// The name `--only` takes, also the `experiment` column of the CSV.
    fn name(&self) -> &'static str;
    /// What it measures, one line for `--help`.
    fn about(&self) -> &'static str;
    /// Whether it drives servers with [`LOADGEN`].
    fn needs_loadgen(&self) -> bool {
        false
    }
    /// Its points, every repeat; what is not selected by `--servers` is left
    /// out, what is not built gets a note ([`Lab::available`]).
    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn Point>>;
    /// Its part of the report, from this run's results only.
    fn section(&self, lab: &Lab) -> Section;
    /// The project's targets it checks, with this run's figures.
    fn targets(&self, _lab: &Lab) -> Vec<Target> {
        Vec::new()
    }
    /// Its part of the README's summary (tables and chart links, from this
    /// run's results), or `None`.
    fn summary(&self, _lab: &Lab) -> Option<String> {
        None
    }
}

/// One point of an experiment: one server (or client) at one setting, one
/// repeat.
pub trait Point {
    /// What the progress bar says while the point runs.
    fn label(&self) -> String;
    /// The server or client measured, for a note when the point fails.
    fn subject(&self) -> String;
    /// Roughly how many seconds the point takes, for the progress bar.
    fn cost(&self, cfg: &Config) -> f64;
    /// Measure the point and add its samples to `lab.results`.
    fn run(&self, lab: &mut Lab) -> Result<()>;
}

/// Every experiment, in the order they run and appear in the report.
pub fn all() -> [&'static dyn Experiment; 5] {
    [
        &echo::Echo,
        &idle::Idle,
        &fig30::Fig30,
        &strcli::StrCli,
        &http::Http,
    ]
}

/// The experiment named `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Experiment> {
    all().into_iter().find(|e| e.name() == name)
}

/// A point with the experiment it belongs to.
pub struct Step {
    pub experiment: &'static str,
    pub point: Box<dyn Point>,
}

/// A run of the lab: its configuration, where the binaries are, whether
/// perf(1) can count and profile, and what it has measured so far.
pub struct Lab {
    pub cfg: Config,
    pub bin_dir: PathBuf,
    /// `Ok` when perf works here, else why not (the report says it).
    pub perf: std::result::Result<(), String>,
    pub results: Results,
}

/// What one load-generator run measured at the server.
pub struct Measured {
    pub run: RunResult,
    /// Server CPU seconds during the measured interval (its whole process group).
    pub server_cpu: f64,
    /// Load generator CPU seconds during the same interval.
    pub gen_cpu: f64,
    /// Peak resident memory of the server's process group, MiB.
    pub peak_rss_mib: f64,
    /// Server CPU use while the connections sat idle, percent of one CPU.
    pub idle_cpu_pct: f64,
    /// CPU time other processes took from the two measured CPUs during
    /// the measured interval, percent of one CPU.
    pub other_cpu_pct: f64,
    /// How many times the point was measured (at most [`ATTEMPTS`]); the
    /// figures are those of the least disturbed run.
    pub attempts: usize,
    /// What perf found during the measured interval, when it was asked.
    pub probed: Option<Probed>,
}

/// Other processes may take at most this much of the measured CPUs (percent
/// of one CPU) before a point is measured again.
pub const DISTURBED_PCT: f64 = 15.0;
/// How many times a disturbed point is measured at most.
pub const ATTEMPTS: usize = 3;

impl Lab {
    /// The path of a workspace binary, if it has been built.
    pub fn binary(&self, name: &str) -> Option<PathBuf> {
        let path = self.bin_dir.join(name);
        path.is_file().then_some(path)
    }

    /// Whether `name` runs in this experiment: selected by `--servers` and
    /// built. A binary that is not built gets a note in the report.
    pub fn available(&mut self, experiment: &'static str, name: &str, binary: &str) -> bool {
        if !self.cfg.wants(name) {
            return false;
        }
        if self.binary(binary).is_none() {
            let text = format!(
                "skipped: {binary} is not built in {}",
                self.bin_dir.display()
            );
            self.results.note(experiment, name, text);
            return false;
        }
        true
    }

    /// The experiments the configuration asks for, in report order.
    pub fn experiments(&self) -> Vec<&'static dyn Experiment> {
        all()
            .into_iter()
            .filter(|e| self.cfg.only.contains(&e.name()))
            .collect()
    }

    /// The steps of every experiment the configuration asks for.
    pub fn plan(&mut self) -> Vec<Step> {
        let mut steps = Vec::new();
        for e in self.experiments() {
            steps.extend(e.plan(self).into_iter().map(|point| Step {
                experiment: e.name(),
                point,
            }));
        }
        steps
    }

    /// Run one step; a failure becomes a note in the report.
    pub fn run(&mut self, step: &Step) {
        if let Err(e) = step.point.run(self) {
            let subject = step.point.subject();
            let text = format!("{}: {e:#}", step.point.label());
            self.results.note(step.experiment, &subject, text);
        }
    }

    /// The targets every experiment run checks, as a report section.
    pub fn targets(&self) -> Option<String> {
        let targets: Vec<Target> = self
            .experiments()
            .iter()
            .flat_map(|e| e.targets(self))
            .collect();
        if targets.is_empty() {
            return None;
        }
        let mut t = Table::new(&["target", "this run", "verdict"]);
        for target in targets {
            t.row(vec![
                target.goal,
                target.figures,
                target.verdict.to_string(),
            ]);
        }
        Some(format!(
            "## Targets\n\nMedians of this run only; server on CPU {}, load generator on CPU {}.\n\n{}",
            self.cfg.server_cpu,
            self.cfg.load_cpu,
            t.markdown()
        ))
    }

    /// Every experiment's part of the report, in order, each with its
    /// charts and then what was skipped or failed.
    pub fn sections(&self) -> Vec<Section> {
        self.experiments()
            .into_iter()
            .map(|e| {
                let mut section = e.section(self);
                for c in &section.charts {
                    section.markdown += &format!("\n![{}]({})\n", c.title, c.file);
                }
                let notes = self.results.notes_of(e.name());
                if !notes.is_empty() {
                    section.markdown += "\nNot measured in this run:\n\n";
                    for n in notes {
                        section.markdown += &format!("- {}: {}\n", n.subject, n.text);
                    }
                }
                section
            })
            .collect()
    }

    /// Start `binary` with `args` pinned to the server CPU and wait until it
    /// listens on `port`.
    pub fn start_server(&self, binary: &str, args: &[String], port: u16) -> Result<Spawned> {
        let path = self.bin_dir.join(binary);
        let mut server = Spawned::start(&path, args, Stdio::null(), Some(self.cfg.server_cpu))?;
        server.wait_listening(port, Duration::from_secs(10))?;
        Ok(server)
    }

    /// Start the echo server `server` on a free port, drive it with `conns`
    /// active and `idle` silent connections (with perf attached for the
    /// measured interval when `probe` asks for it), stop it.
    ///
    /// A run during which other processes took more than [`DISTURBED_PCT`]
    /// of the CPUs is done again, up to [`ATTEMPTS`] times in all; the least
    /// disturbed run is kept.
    pub fn measure_echo(
        &self,
        server: &echo::EchoServer,
        conns: usize,
        idle: usize,
        probe: Option<Probe>,
    ) -> Result<Measured> {
        let mut best: Option<Measured> = None;
        let mut attempts = 0;
        while attempts < ATTEMPTS {
            attempts += 1;
            let port = unp_tests::free_port();
            let mut args: Vec<String> = server.args.iter().map(|a| a.to_string()).collect();
            args.push(port.to_string());
            let running = self.start_server(server.binary, &args, port)?;
            let measured = self.drive(&running, port, conns, idle, probe)?;
            running.interrupt(Duration::from_millis(500));
            let quiet = measured.other_cpu_pct <= DISTURBED_PCT;
            if best
                .as_ref()
                .map_or(true, |b| measured.other_cpu_pct < b.other_cpu_pct)
            {
                best = Some(measured);
            }
            if quiet {
                break;
            }
        }
        // The kept run says how many were made, not which one it was.
        let mut kept = best.ok_or_else(|| anyhow::anyhow!("no attempt"))?;
        kept.attempts = attempts;
        Ok(kept)
    }

    /// Drive the echo server `server` (listening on `port`) with the load
    /// generator: `conns` active and `idle` silent connections; measure the
    /// run and the server around it. With a `probe`, perf is attached to
    /// the server's processes while the generator waits (no request is
    /// outstanding then) and counts or samples exactly the measured
    /// interval.
    pub fn drive(
        &self,
        server: &Spawned,
        port: u16,
        conns: usize,
        idle: usize,
        probe: Option<Probe>,
    ) -> Result<Measured> {
        let opts = Options {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            conns,
            idle,
            size: self.cfg.request_bytes,
            warmup: self.cfg.warmup,
            duration: self.cfg.measure,
        };
        let exe = self.bin_dir.join(LOADGEN);
        let setup = Duration::from_secs(60) + Duration::from_millis(10 * (conns + idle) as u64);
        // The server's own words, when it is the reason the generator failed.
        let mut gen = Loadgen::start(&exe, &opts, Some(self.cfg.load_cpu), setup)
            .map_err(|e| anyhow::anyhow!("{e:#}; the server's stderr: {:?}", server.stderr()))?;
        let pgid = server.pid();
        let mut session = match probe {
            Some(probe) => Some(Session::attach(
                probe,
                &group_pids(pgid),
                self.cfg.load_cpu,
            )?),
            None => None,
        };
        let perf_pid = session.as_ref().map(Session::pid);
        let mut cpus = vec![self.cfg.server_cpu, self.cfg.load_cpu];
        cpus.dedup();
        // Ours: the server, the generator, the lab, perf, and the kernel
        // threads that finish their network work; anything else is other load.
        let mut helpers = softirq_threads(&cpus);
        helpers.extend(perf_pid);
        let lab = std::process::id() as i32;
        let ours = || {
            process_cpu(lab)
                + helpers
                    .iter()
                    .map(|&pid| process_cpu(pid))
                    .sum::<Duration>()
        };
        let start = Instant::now();
        let (busy0, ours0) = (cpus_busy(&cpus), ours());
        let (server0, gen0) = (group_cpu(pgid), process_cpu(gen.pid()));
        let run = gen.measure(self.cfg.measure + Duration::from_secs(30))?;
        if let Some(session) = session.as_mut() {
            session.disable()?;
        }
        let (server1, gen1) = (group_cpu(pgid), process_cpu(gen.pid()));
        let (busy1, ours1) = (cpus_busy(&cpus), ours());
        let window = start.elapsed().as_secs_f64();
        let mine = (ours1.saturating_sub(ours0)
            + server1.saturating_sub(server0)
            + gen1.saturating_sub(gen0))
        .as_secs_f64();
        let other_cpu_pct =
            100.0 * ((busy1.saturating_sub(busy0)).as_secs_f64() - mine).max(0.0) / window;
        let idle_start = Instant::now();
        let peak_rss_mib = group_peak_rss_kib(pgid) as f64 / 1024.0;
        std::thread::sleep(self.cfg.idle_window);
        let idle_cpu = group_cpu(pgid).saturating_sub(server1);
        let idle_cpu_pct = 100.0 * idle_cpu.as_secs_f64() / idle_start.elapsed().as_secs_f64();
        gen.close(Duration::from_secs(30))?;
        let probed = match session {
            Some(session) => Some(session.finish()?),
            None => None,
        };
        Ok(Measured {
            run,
            server_cpu: (server1.saturating_sub(server0)).as_secs_f64(),
            gen_cpu: (gen1.saturating_sub(gen0)).as_secs_f64(),
            peak_rss_mib,
            idle_cpu_pct,
            other_cpu_pct,
            attempts: 1,
            probed,
        })
    }
}
