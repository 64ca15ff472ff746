//! The lab's command line: quick or full mode, and the filters that make a
//! run short.

use std::path::PathBuf;
use std::time::Duration;

use crate::experiments;

/// The usage and help text, with the experiments of [`experiments::all`]
/// and the defaults of [`Config::quick`] and [`Config::full`].
pub fn usage() -> String {
    let (quick, full) = (Config::quick(), Config::full());
    let names: Vec<&str> = experiments::all().iter().map(|e| e.name()).collect();
    let mut text = format!(
        "usage: lab [--full] [--only {}] [--servers NAME,...] [options]
       lab --readme DIR

Measures every I/O model and server design of the workspace on this machine
and writes results/<timestamp>/ (report.md, measurements.csv, charts) under
the workspace root, with results/latest pointing at it; then prints the report.
Run it from a release build (cargo run --release -p lab) on an idle machine:
about 20 minutes on 2 cores in quick mode (plus the release build). For a
first look, take one of the two short runs at the end.

Experiments:
",
        names.join(",")
    );
    for e in experiments::all() {
        text += &format!("  {:<8} {}\n", e.name(), e.about());
    }
    let ms = |d: Duration| d.as_secs_f64();
    text += &format!(
        "
Options:
  --full             longer points and more repeats (default: quick)
  --only LIST        run only these experiments
  --servers LIST     only the servers or clients whose name contains one of these
  --repeats N        repeats of every point (quick {}, full {})
  --seconds S        measured seconds per echo point (quick {}, full {})
  --conns LIST       echo connection counts (default {})
  --idle LIST        idle connection counts (default {})
  --loops N          connections per chapter 30 client child (quick {}, full {})
  --lines N          lines of the chapter 16 file (quick {}, full {})
  --rtt-ms N         round-trip time of the chapter 16 proxy (quick {}, full {})
  --cpus S,L         CPU for the servers, CPU for the load generators and clients (default {},{})
  --out DIR          write into DIR instead of results/<timestamp>/
  --no-build         do not build the binaries nor install perf first
  --readme DIR       rewrite the README's lab summary from the run written in DIR, and stop

Two short runs (under a minute each, once built):
  cargo run --release -p lab -- --only echo --servers epoll,uring --conns 100 --repeats 1
  cargo run --release -p lab -- --only idle,strcli --idle 10,1000 --repeats 1 --lines 100",
        quick.repeats,
        full.repeats,
        ms(quick.measure),
        ms(full.measure),
        list(&quick.conns),
        list(&quick.idle_conns),
        quick.client_loops,
        full.client_loops,
        quick.strcli_lines,
        full.strcli_lines,
        quick.strcli_rtt.as_millis(),
        full.strcli_rtt.as_millis(),
        quick.server_cpu,
        quick.load_cpu,
    );
    text
}

fn list(values: &[usize]) -> String {
    values
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Why [`Config::parse`] gives no configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoConfig {
    /// `--help` or `-h`: print [`usage`].
    Help,
    /// A mistake, as one line for stderr: `lab: unknown option --x (lab
    /// --help lists the options)`.
    Wrong(String),
}

impl std::fmt::Display for NoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoConfig::Help => f.write_str("lab: --help"),
            NoConfig::Wrong(line) => f.write_str(line),
        }
    }
}

impl NoConfig {
    fn wrong(what: impl std::fmt::Display) -> NoConfig {
        NoConfig::Wrong(format!("lab: {what} (lab --help lists the options)"))
    }
}

/// What a debug build of the lab does, whose figures would mean nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebugBuild {
    /// A release build (or `LAB_DEBUG=1`, for the lab's own tests): measure.
    Measure,
    /// Run under cargo: run `cargo` with these arguments instead, a
    /// release build of the same command.
    Rerun(Vec<String>),
    /// Not under cargo: stop with this message, which names the command.
    Stop(String),
}

/// The environment variable that lets a debug build measure.
pub const ALLOW_DEBUG: &str = "LAB_DEBUG";

impl DebugBuild {
    /// What to do, for a `debug` build given `args`, run by cargo or not.
    pub fn decide(debug: bool, allowed: bool, under_cargo: bool, args: &[String]) -> DebugBuild {
        if !debug || allowed {
            return DebugBuild::Measure;
        }
        let mut cargo: Vec<String> = ["run", "--release", "-p", "lab"].map(String::from).into();
        if !args.is_empty() {
            cargo.push("--".into());
            cargo.extend(args.iter().cloned());
        }
        match under_cargo {
            true => DebugBuild::Rerun(cargo),
            false => DebugBuild::Stop(format!(
                "lab: this is a debug build, whose figures would mean nothing: run `cargo {}`",
                cargo.join(" ")
            )),
        }
    }
}

/// Everything a run does.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub full: bool,
    /// The names of the experiments to run, in report order.
    pub only: Vec<&'static str>,
    /// Name fragments: a subject runs if its name contains one of them.
    pub servers: Option<Vec<String>>,
    pub repeats: usize,
    pub warmup: Duration,
    pub measure: Duration,
    /// How long the server's CPU is watched while its connections are idle.
    pub idle_window: Duration,
    pub conns: Vec<usize>,
    pub idle_conns: Vec<usize>,
    /// Bytes per echo request.
    pub request_bytes: usize,
    /// Children or threads of the chapter 30 servers that take a count (15,
    /// as for Figure 30.1).
    pub design_pool: usize,
    /// The chapter 30 client: children, connections per child, bytes per request.
    pub client_children: usize,
    pub client_loops: usize,
    pub client_bytes: usize,
    pub strcli_lines: usize,
    pub strcli_rtt: Duration,
    pub out: Option<PathBuf>,
    /// `--readme DIR`: only rewrite the README's summary from that run.
    pub readme: Option<PathBuf>,
    pub build: bool,
    pub server_cpu: usize,
    pub load_cpu: usize,
}

impl Config {
    /// The default: every experiment, about 20 minutes on 2 cores (plus the
    /// release build); [`usage`] gives two short runs.
    pub fn quick() -> Config {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            full: false,
            only: experiments::all().iter().map(|e| e.name()).collect(),
            servers: None,
            repeats: 3,
            warmup: Duration::from_millis(200),
            measure: Duration::from_millis(500),
            idle_window: Duration::from_millis(200),
            conns: vec![1, 10, 100, 1000],
            idle_conns: vec![10, 100, 1000, 10000],
            request_bytes: 64,
            design_pool: 15,
            client_children: 5,
            client_loops: 200,
            client_bytes: 4000,
            strcli_lines: 500,
            strcli_rtt: Duration::from_millis(10),
            out: None,
            readme: None,
            build: true,
            server_cpu: 0,
            load_cpu: usize::from(cpus > 1),
        }
    }

    /// `--full`: longer points, more repeats, the book's own sizes.
    pub fn full() -> Config {
        Config {
            full: true,
            repeats: 5,
            warmup: Duration::from_millis(500),
            measure: Duration::from_secs(3),
            idle_window: Duration::from_secs(1),
            client_loops: 1000,
            strcli_lines: 2000,
            strcli_rtt: Duration::from_millis(20),
            ..Config::quick()
        }
    }

    /// The configuration from the lab's arguments; or a request for the
    /// help, or one line saying what is wrong.
    pub fn parse(args: &[String]) -> Result<Config, NoConfig> {
        let mut cfg = match args.iter().any(|a| a == "--full") {
            true => Config::full(),
            false => Config::quick(),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if arg == "--full" {
                continue;
            }
            if arg == "--no-build" {
                cfg.build = false;
                continue;
            }
            if arg == "-h" || arg == "--help" {
                return Err(NoConfig::Help);
            }
            const VALUED: [&str; 12] = [
                "--only",
                "--servers",
                "--repeats",
                "--seconds",
                "--conns",
                "--idle",
                "--loops",
                "--lines",
                "--rtt-ms",
                "--cpus",
                "--out",
                "--readme",
            ];
            if !VALUED.contains(&arg.as_str()) {
                return Err(NoConfig::wrong(format!("unknown option {arg}")));
            }
            let value = it
                .next()
                .ok_or_else(|| NoConfig::wrong(format!("{arg} needs a value")))?;
            let bad = || NoConfig::wrong(format!("bad value for {arg}: {value}"));
            let list = || -> Result<Vec<usize>, NoConfig> {
                value
                    .split(',')
                    .map(|v| v.trim().parse().map_err(|_| bad()))
                    .collect()
            };
            let number = || -> Result<usize, NoConfig> { value.parse().map_err(|_| bad()) };
            match arg.as_str() {
                "--only" => {
                    cfg.only = value
                        .split(',')
                        .map(|name| {
                            experiments::by_name(name.trim())
                                .map(|e| e.name())
                                .ok_or_else(bad)
                        })
                        .collect::<Result<_, _>>()?;
                }
                "--servers" => {
                    cfg.servers = Some(value.split(',').map(|s| s.trim().to_owned()).collect())
                }
                "--repeats" => cfg.repeats = number()?.max(1),
                "--seconds" => {
                    let secs: f64 = value.parse().map_err(|_| bad())?;
                    if !(secs > 0.0 && secs < 3600.0) {
                        return Err(bad());
                    }
                    cfg.measure = Duration::from_secs_f64(secs);
                }
                "--conns" => cfg.conns = list()?,
                "--idle" => cfg.idle_conns = list()?,
                "--loops" => cfg.client_loops = number()?.max(1),
                "--lines" => cfg.strcli_lines = number()?.max(1),
                "--rtt-ms" => cfg.strcli_rtt = Duration::from_millis(number()? as u64),
                "--cpus" => match list()?.as_slice() {
                    [s, l] => (cfg.server_cpu, cfg.load_cpu) = (*s, *l),
                    _ => return Err(bad()),
                },
                "--out" => cfg.out = Some(PathBuf::from(value)),
                "--readme" => cfg.readme = Some(PathBuf::from(value)),
                _ => return Err(NoConfig::wrong(format!("unknown option {arg}"))),
            }
        }
        cfg.only = experiments::all()
            .iter()
            .map(|e| e.name())
            .filter(|name| cfg.only.contains(name))
            .collect();
        if cfg.conns.contains(&0) {
            return Err(NoConfig::wrong("--conns: every count must be at least 1"));
        }
        Ok(cfg)
    }

    /// `1 repeat`, `3 repeats`: for the report's sentences.
    pub fn repeats_text(&self) -> String {
        match self.repeats {
            1 => "1 repeat".into(),
            n => format!("{n} repeats"),
        }
    }

    /// Whether `--servers` lets `name` run.
    pub fn wants(&self, name: &str) -> bool {
        self.servers.as_ref().map_or(true, |wanted| {
            wanted.iter().any(|w| name.contains(w.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn default_is_quick_and_full_is_longer() {
        let quick = Config::parse(&[]).unwrap();
        assert_eq!(quick, Config::quick());
        let full = Config::parse(&args("--full")).unwrap();
        assert!(full.full && full.measure > quick.measure && full.repeats > quick.repeats);
        assert_eq!(full.client_loops, 1000);
    }

    #[test]
    fn filters_and_numbers_are_read() {
        let cfg = Config::parse(&args("--only idle,echo --servers epoll,uring --repeats 2 --seconds 0.5 --conns 1,100 --cpus 1,0 --no-build")).unwrap();
        assert_eq!(cfg.only, vec!["echo", "idle"]);
        assert!(
            cfg.wants("tcpservepoll02")
                && cfg.wants("uringserv01")
                && !cfg.wants("tcpservselect01")
        );
        assert_eq!((cfg.repeats, cfg.measure), (2, Duration::from_millis(500)));
        assert_eq!(cfg.conns, vec![1, 100]);
        assert_eq!((cfg.server_cpu, cfg.load_cpu, cfg.build), (1, 0, false));
        assert!(Config::quick().wants("anything"));
    }

    #[test]
    fn a_debug_build_reruns_in_release_or_stops() {
        let a = args("--only echo");
        assert_eq!(
            DebugBuild::decide(false, false, true, &a),
            DebugBuild::Measure
        );
        assert_eq!(
            DebugBuild::decide(true, true, false, &a),
            DebugBuild::Measure
        );
        assert_eq!(
            DebugBuild::decide(true, false, true, &a),
            DebugBuild::Rerun(args("run --release -p lab -- --only echo"))
        );
        assert_eq!(
            DebugBuild::decide(true, false, false, &[]),
            DebugBuild::Stop("lab: this is a debug build, whose figures would mean nothing: run `cargo run --release -p lab`".into())
        );
    }

    #[test]
    fn help_lists_every_experiment_and_its_short_runs_parse() {
        let help = usage();
        for e in experiments::all() {
            assert!(
                help.contains(&format!("  {:<8} {}", e.name(), e.about())),
                "{help}"
            );
        }
        let examples: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim().strip_prefix("cargo run --release -p lab -- "))
            .collect();
        assert_eq!(examples.len(), 2, "{help}");
        for example in examples {
            let cfg = Config::parse(&args(example)).unwrap();
            assert_eq!(cfg.repeats, 1, "{example}: short");
        }
    }

    #[test]
    fn a_mistake_is_one_line_and_help_the_usage() {
        for bad in [
            "--only nothing",
            "--repeats",
            "--conns 1,x",
            "--conns 0",
            "--seconds -1",
            "--cpus 1",
            "--bogus 1",
            "--bogus",
        ] {
            match Config::parse(&args(bad)) {
                Err(NoConfig::Wrong(line)) => assert!(
                    line.starts_with("lab: ")
                        && line.ends_with(" (lab --help lists the options)")
                        && !line.contains('\n'),
                    "{bad}: {line}"
                ),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(Config::parse(&args("--help")), Err(NoConfig::Help));
        assert_eq!(
            Config::parse(&args("--bogus")),
            Err(NoConfig::Wrong(
                "lab: unknown option --bogus (lab --help lists the options)".into()
            ))
        );
    }
}
