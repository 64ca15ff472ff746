//! The lab's command line: quick or full mode, and the filters that make a
//! run short.

use std::path::PathBuf;
use std::time::Duration;

/// The experiments, in the order they run and appear in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Experiment {
    /// Echo throughput and latency of every echo server, tokio included.
    Echo,
    /// Latency of one connection while many idle ones are held.
    Idle,
    /// Figure 30.1: CPU time of every chapter 30 server design.
    Fig30,
    /// Chapter 16: a file copied by each str_cli through a delaying proxy.
    StrCli,
}

impl Experiment {
    pub const ALL: [Experiment; 4] = [
        Experiment::Echo,
        Experiment::Idle,
        Experiment::Fig30,
        Experiment::StrCli,
    ];

    /// The name `--only` takes, also the `experiment` column of the CSV.
    pub fn name(self) -> &'static str {
        match self {
            Experiment::Echo => "echo",
            Experiment::Idle => "idle",
            Experiment::Fig30 => "fig30",
            Experiment::StrCli => "strcli",
        }
    }
}

pub const USAGE: &str = "\
usage: lab [--full] [--only echo,idle,fig30,strcli] [--servers NAME,...] [options]

Measures every I/O model and server design of the workspace on this machine
and writes results/<timestamp>/ (report.md, measurements.csv, charts) under
the workspace root, with results/latest pointing at it.

  --full             longer points and more repeats (default: quick, a few minutes)
  --only LIST        run only these experiments: echo, idle, fig30, strcli
  --servers LIST     only the servers or clients whose name contains one of these
  --repeats N        repeats of every point (quick 3, full 5)
  --seconds S        measured seconds per echo point (quick 0.5, full 3)
  --conns LIST       echo connection counts (default 1,10,100,1000)
  --idle LIST        idle connection counts (default 10,100,1000,10000)
  --loops N          connections per chapter 30 client child (quick 200, full 1000 as the book)
  --lines N          lines of the chapter 16 file (quick 500, full 2000 as the book)
  --rtt-ms N         round-trip time of the chapter 16 proxy (quick 10, full 20)
  --cpus S,L         CPU for the servers, CPU for the load generators and clients (default 0,1)
  --out DIR          write into DIR instead of results/<timestamp>/
  --no-build         do not build the workspace's binaries first";

/// Everything a run does.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub full: bool,
    pub only: Vec<Experiment>,
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
    pub build: bool,
    pub server_cpu: usize,
    pub load_cpu: usize,
}

impl Config {
    /// The default: every experiment, a few minutes on 2 cores.
    pub fn quick() -> Config {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            full: false,
            only: Experiment::ALL.to_vec(),
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

    /// The configuration from the lab's arguments, or a message saying
    /// what is wrong (with the usage).
    pub fn parse(args: &[String]) -> Result<Config, String> {
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
                return Err(USAGE.into());
            }
            let value = it
                .next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))?;
            let bad = || format!("bad value for {arg}: {value}\n{USAGE}");
            let list = || -> Result<Vec<usize>, String> {
                value
                    .split(',')
                    .map(|v| v.trim().parse().map_err(|_| bad()))
                    .collect()
            };
            let number = || -> Result<usize, String> { value.parse().map_err(|_| bad()) };
            match arg.as_str() {
                "--only" => {
                    cfg.only = value
                        .split(',')
                        .map(|name| {
                            Experiment::ALL
                                .into_iter()
                                .find(|e| e.name() == name.trim())
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
                _ => return Err(format!("unknown option {arg}\n{USAGE}")),
            }
        }
        cfg.only = Experiment::ALL
            .into_iter()
            .filter(|e| cfg.only.contains(e))
            .collect();
        if cfg.conns.contains(&0) {
            return Err(format!("--conns: every count must be at least 1\n{USAGE}"));
        }
        Ok(cfg)
    }

    pub fn runs(&self, e: Experiment) -> bool {
        self.only.contains(&e)
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
        assert_eq!(cfg.only, vec![Experiment::Echo, Experiment::Idle]);
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
    fn mistakes_give_the_usage() {
        for bad in [
            "--only nothing",
            "--repeats",
            "--conns 1,x",
            "--conns 0",
            "--seconds -1",
            "--cpus 1",
            "--bogus 1",
        ] {
            let err = Config::parse(&args(bad)).unwrap_err();
            assert!(err.ends_with(USAGE), "{bad}: {err}");
        }
        assert_eq!(Config::parse(&args("--help")).unwrap_err(), USAGE);
    }
}
