//! Experiment `http`: Tinyhttpd's concurrency models (crate `tinyhttpd`)
//! against the servers people deploy. `wrk` drives each server with three
//! loads: a small static file over kept-alive connections, the same file
//! with `Connection: close`, and a CGI request (`color.cgi`, kept alive),
//! at 10 and 100 connections. nginx (Debian's `nginx-light`, one worker,
//! `sendfile on`, `access_log off`) is the peer for the files; nginx runs
//! no CGI, so lighttpd with `mod_cgi` is the peer for the CGI load. The
//! faithful `httpd` answers HTTP/1.0 without `Content-Length`, which `wrk`
//! counts as errors: it is measured with `ab` (apache2-utils) on the close
//! load, beside nginx measured the same way.
//!
//! The server is pinned to one CPU and the load generator to another. The
//! lab installs `wrk`, `nginx-light`, `lighttpd` and `apache2-utils` with
//! apt-get when they are missing (its set-up step); a subject whose
//! program is still missing is skipped with a note.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use super::{Experiment, Lab};
use crate::config::Config;
use crate::procfs::group_cpu;
use crate::progress::say;
use crate::report::{num, show, Chart, Section, Table, Target, Verdict, NOT_MEASURED};
use crate::spawn::Spawned;
use crate::svg::bar_chart;

const EXP: &str = "http";

/// The connection counts of every point.
const CONNS: [usize; 2] = [10, 100];

/// The shortest measured window of the CGI load, and its warm-up: at 100
/// connections a server that forks a Perl program per request takes about
/// a second to answer the first wave of them on one CPU, so the quick
/// mode's one second ended with no request complete (lighttpd in the
/// committed quick run).
const CGI_MEASURE: Duration = Duration::from_secs(5);
const CGI_WARMUP: Duration = Duration::from_secs(2);
/// wrk's time limit for one CGI answer (its default is 2 s).
const CGI_TIMEOUT: Duration = Duration::from_secs(10);

/// A load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// The static page, connections kept alive.
    KeepAlive,
    /// The static page, `Connection: close`: a connection per request.
    Close,
    /// `color.cgi?color=red`, connections kept alive: a fork and exec of a
    /// Perl program per request.
    Cgi,
}

impl Load {
    /// The measured window and the warm-up of a point of this load, in
    /// whole seconds.
    fn windows(self, cfg: &Config) -> (u64, u64) {
        match self {
            Load::Cgi => (
                seconds(cfg.measure.max(CGI_MEASURE)),
                seconds(cfg.warmup.max(CGI_WARMUP)),
            ),
            Load::KeepAlive | Load::Close => (seconds(cfg.measure), seconds(cfg.warmup)),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Load::KeepAlive => "keep-alive",
            Load::Close => "close",
            Load::Cgi => "cgi",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Load::KeepAlive | Load::Close => "/index.html",
            Load::Cgi => "/color.cgi?color=red",
        }
    }
}

/// The load generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Wrk,
    Ab,
}

/// How a subject is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A binary of the workspace, `<binary> <port>`.
    Ours(&'static str),
    Nginx,
    Lighttpd,
}

/// A server measured, the loads it takes, and with which tool.
pub struct Subject {
    pub name: &'static str,
    /// What it is, for the tables.
    pub design: &'static str,
    pub kind: Kind,
    pub loads: &'static [Load],
    pub tool: Tool,
}

const ALL: &[Load] = &[Load::KeepAlive, Load::Close, Load::Cgi];
const FILES: &[Load] = &[Load::KeepAlive, Load::Close];
const CLOSE: &[Load] = &[Load::Close];

/// Every subject. The iterative model takes only the close load: kept
/// alive, it would serve one connection for the whole run and leave the
/// others waiting.
pub const SUBJECTS: &[Subject] = &[
    Subject {
        name: "httpd-iterative",
        design: "model 1: iterative",
        kind: Kind::Ours("httpd-iterative"),
        loads: CLOSE,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-threaded",
        design: "model 2: a thread per connection",
        kind: Kind::Ours("httpd-threaded"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-epoll",
        design: "model 3: one epoll loop",
        kind: Kind::Ours("httpd-epoll"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-pool",
        design: "model 4: a loop and a CGI worker pool",
        kind: Kind::Ours("httpd-pool"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-loops",
        design: "model 5: a loop per thread",
        kind: Kind::Ours("httpd-loops"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-reuseport",
        design: "model 5p: SO_REUSEPORT processes",
        kind: Kind::Ours("httpd-reuseport"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd-uring",
        design: "io_uring: one ring (unp::uring)",
        kind: Kind::Ours("httpd-uring"),
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "nginx",
        design: "nginx, one worker",
        kind: Kind::Nginx,
        loads: FILES,
        tool: Tool::Wrk,
    },
    Subject {
        name: "lighttpd",
        design: "lighttpd, mod_cgi",
        kind: Kind::Lighttpd,
        loads: ALL,
        tool: Tool::Wrk,
    },
    Subject {
        name: "httpd",
        design: "the faithful Tinyhttpd (HTTP/1.0)",
        kind: Kind::Ours("httpd"),
        loads: CLOSE,
        tool: Tool::Ab,
    },
    Subject {
        name: "nginx (ab)",
        design: "nginx, one worker, measured as httpd is",
        kind: Kind::Nginx,
        loads: CLOSE,
        tool: Tool::Ab,
    },
];

/// The models of ours that compete for "best" (HTTP/1.1, measured by wrk).
const MODELS: [&str; 7] = [
    "httpd-iterative",
    "httpd-threaded",
    "httpd-epoll",
    "httpd-pool",
    "httpd-loops",
    "httpd-reuseport",
    "httpd-uring",
];

/// The results subject of `name` under `load`.
fn subject(name: &str, load: Load) -> String {
    format!("{name} {}", load.name())
}

/// The tree every server serves: the crate's `htdocs/`.
fn htdocs() -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tinyhttpd/htdocs");
    dir.canonicalize()
        .with_context(|| format!("the Tinyhttpd tree {}", dir.display()))
}

/// The path of `program` on `PATH` or in the sbin directories (nginx and
/// lighttpd live there), if installed.
fn installed(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The programs each kind of subject and each tool needs, and their
/// Debian packages.
const PROGRAMS: [(&str, &str); 4] = [
    ("wrk", "wrk"),
    ("ab", "apache2-utils"),
    ("nginx", "nginx-light"),
    ("lighttpd", "lighttpd"),
];

/// The lab's set-up step for this experiment: install the missing
/// packages with apt-get (as root; a failure leaves them missing, and the
/// subjects that need them are skipped with a note).
fn install_missing() -> Option<String> {
    let missing: Vec<&str> = PROGRAMS
        .iter()
        .filter(|(program, _)| installed(program).is_none())
        .map(|&(_, package)| package)
        .collect();
    if missing.is_empty() {
        return None;
    }
    say(format!(
        "lab: http needs {}: apt-get install",
        missing.join(" ")
    ));
    let ok = crate::apt::install(&missing);
    Some(match ok {
        true => format!("installed {}", missing.join(" ")),
        false => format!("could not install {}", missing.join(" ")),
    })
}

/// Experiment `http`.
pub struct Http;

pub struct Point {
    pub subject: &'static Subject,
    pub load: Load,
    pub conns: usize,
    pub repeat: usize,
}

/// A server started for one point.
struct Running {
    server: Spawned,
    /// A directory of its own (nginx's and lighttpd's configuration).
    dir: Option<PathBuf>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Start the subject on `port`, pinned to the server CPU.
fn start(lab: &Lab, kind: Kind, port: u16) -> Result<Running> {
    let root = htdocs()?;
    let config_dir = || -> Result<PathBuf> {
        let dir = std::env::temp_dir().join(format!("lab-http-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    };
    let (program, args, dir) = match kind {
        Kind::Ours(binary) => {
            let server = lab.start_server(binary, &[port.to_string()], port)?;
            return Ok(Running { server, dir: None });
        }
        Kind::Nginx => {
            let dir = config_dir()?;
            let d = dir.display();
            let conf = format!(
                "worker_processes 1;\ndaemon off;\nuser root;\npid {d}/nginx.pid;\n\
                 error_log {d}/error.log;\nevents {{ worker_connections 4096; }}\n\
                 http {{\n  access_log off;\n  sendfile on;\n  keepalive_requests 1000000;\n\
                 client_body_temp_path {d};\n  proxy_temp_path {d};\n  fastcgi_temp_path {d};\n\
                 uwsgi_temp_path {d};\n  scgi_temp_path {d};\n\
                 server {{\n    listen 127.0.0.1:{port} backlog=1024;\n    root {};\n  }}\n}}\n",
                root.display()
            );
            std::fs::write(dir.join("nginx.conf"), conf)?;
            let args = vec![
                "-c".into(),
                format!("{d}/nginx.conf"),
                "-p".into(),
                d.to_string(),
            ];
            ("nginx", args, dir)
        }
        Kind::Lighttpd => {
            let dir = config_dir()?;
            let conf = format!(
                "server.document-root = \"{}\"\nserver.port = {port}\nserver.bind = \"127.0.0.1\"\n\
                 server.modules = (\"mod_cgi\")\ncgi.assign = (\".cgi\" => \"\")\n\
                 server.errorlog = \"{}/error.log\"\nindex-file.names = (\"index.html\")\n\
                 mimetype.assign = (\".html\" => \"text/html\")\n\
                 server.max-keep-alive-requests = 1000000\n",
                root.display(),
                dir.display()
            );
            std::fs::write(dir.join("lighttpd.conf"), conf)?;
            let args = vec![
                "-D".into(),
                "-f".into(),
                dir.join("lighttpd.conf").display().to_string(),
            ];
            ("lighttpd", args, dir)
        }
    };
    let path = installed(program).ok_or_else(|| anyhow!("{program} is not installed"))?;
    let mut server = Spawned::start(&path, &args, Stdio::null(), Some(lab.cfg.server_cpu))?;
    server.wait_listening(port, Duration::from_secs(10))?;
    Ok(Running {
        server,
        dir: Some(dir),
    })
}

/// What one run of the load generator reported.
#[derive(Debug, Default, PartialEq)]
struct Report {
    requests: f64,
    per_second: f64,
    p50_us: f64,
    p99_us: f64,
    errors: f64,
}

/// A duration of wrk's (`812.00us`, `1.23ms`, `2.01s`), in microseconds.
fn micros(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60e6)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e6)
    } else {
        return None;
    };
    Some(number.parse::<f64>().ok()? * scale)
}

/// wrk's report (`--latency`).
/// A run in which no request completed in time (a CGI backlog longer
/// than wrk's timeout) has no latency: the percentiles are left out.
fn parse_wrk(lines: &[String]) -> Result<Report> {
    let mut report = Report::default();
    let mut rate_seen = false;
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => {
                report.per_second = rate.parse()?;
                rate_seen = true;
            }
            ["50%", t] => report.p50_us = micros(t).context("wrk p50")?,
            ["99%", t] => report.p99_us = micros(t).context("wrk p99")?,
            [n, "requests", "in", ..] => report.requests = n.parse()?,
            ["Socket", "errors:", rest @ ..] => {
                report.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<f64>().ok())
                    .sum::<f64>();
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => report.errors += n.parse::<f64>()?,
            _ => {}
        }
    }
    if !rate_seen {
        bail!("wrk reported no rate: {}", lines.join(" / "));
    }
    // No latency is 0 µs: wrk prints 0 when it timed every request out.
    if report.requests == 0.0 || report.p50_us == 0.0 {
        (report.p50_us, report.p99_us) = (f64::NAN, f64::NAN);
    }
    Ok(report)
}

/// ab's report (milliseconds, whole, for the percentiles).
fn parse_ab(lines: &[String]) -> Result<Report> {
    let mut report = Report::default();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests", "per", "second:", rate, ..] => report.per_second = rate.parse()?,
            ["Complete", "requests:", n] => report.requests = n.parse()?,
            ["Failed", "requests:", n] => report.errors += n.parse::<f64>()?,
            ["Non-2xx", "responses:", n] => report.errors += n.parse::<f64>()?,
            ["50%", ms] => report.p50_us = ms.parse::<f64>()? * 1e3,
            ["99%", ms] => report.p99_us = ms.parse::<f64>()? * 1e3,
            _ => {}
        }
    }
    if report.per_second == 0.0 {
        bail!("ab reported no rate: {}", lines.join(" / "));
    }
    Ok(report)
}

/// Run the tool against `url` with `conns` connections for `seconds`,
/// pinned to the load CPU; its report.
fn drive(
    lab: &Lab,
    tool: Tool,
    load: Load,
    url: &str,
    conns: usize,
    seconds: u64,
) -> Result<Report> {
    let (program, args): (&str, Vec<String>) = match tool {
        Tool::Wrk => {
            let mut args = vec![
                "-t1".into(),
                format!("-c{conns}"),
                format!("-d{seconds}s"),
                "--latency".into(),
            ];
            match load {
                Load::Close => args.extend(["-H".into(), "Connection: close".into()]),
                // A CGI answer at 100 connections may take more than wrk's
                // 2 s: counted as an error, it would not be counted at all.
                Load::Cgi => {
                    args.extend(["--timeout".into(), format!("{}s", CGI_TIMEOUT.as_secs())])
                }
                Load::KeepAlive => {}
            }
            args.push(url.into());
            ("wrk", args)
        }
        Tool::Ab => {
            // -t first: it sets -n to 50000, which the -n after it lifts.
            let args = vec![
                "-q".into(),
                "-t".into(),
                seconds.to_string(),
                "-n".into(),
                "100000000".into(),
                "-c".into(),
                conns.to_string(),
                url.into(),
            ];
            ("ab", args)
        }
    };
    let path = installed(program).ok_or_else(|| anyhow!("{program} is not installed"))?;
    let mut gen = Spawned::start(&path, &args, Stdio::null(), Some(lab.cfg.load_cpu))?;
    let status = gen.wait_exit(Duration::from_secs(seconds + 60))?;
    let lines = gen.read_to_end(Duration::from_secs(5))?;
    if !status.success() {
        bail!("{program} failed ({status}): {}", gen.stderr());
    }
    match tool {
        Tool::Wrk => parse_wrk(&lines),
        Tool::Ab => parse_ab(&lines),
    }
}

impl super::Point for Point {
    fn label(&self) -> String {
        format!(
            "http: {} ({}) at {} connections, repeat {}",
            self.subject.name,
            self.load.name(),
            self.conns,
            self.repeat + 1
        )
    }

    fn subject(&self) -> String {
        subject(self.subject.name, self.load)
    }

    fn cost(&self, cfg: &Config) -> f64 {
        let (measure, warmup) = self.load.windows(cfg);
        (measure + warmup) as f64 + 0.5
    }

    fn run(&self, lab: &mut Lab) -> Result<()> {
        let port = unp_tests::free_port();
        let running = start(lab, self.subject.kind, port)?;
        let url = format!("http://127.0.0.1:{port}{}", self.load.path());
        // Warm the server (and the page cache) up, unmeasured.
        let (tool, load) = (self.subject.tool, self.load);
        let (measure, warmup) = load.windows(&lab.cfg);
        drive(lab, tool, load, &url, self.conns, warmup)?;
        let pgid = running.server.pid();
        let cpu0 = group_cpu(pgid);
        let report = drive(lab, tool, load, &url, self.conns, measure)?;
        let cpu = group_cpu(pgid).saturating_sub(cpu0).as_secs_f64();
        drop(running);
        let (name, conns, r) = (self.subject(), self.conns as u64, self.repeat);
        for (metric, value) in [
            ("req_per_s", report.per_second),
            ("p50_us", report.p50_us),
            ("p99_us", report.p99_us),
            (
                "cpu_us_per_req",
                match report.requests > 0.0 {
                    true => 1e6 * cpu / report.requests,
                    false => f64::NAN,
                },
            ),
            ("errors", report.errors),
        ] {
            lab.results.add(EXP, &name, conns, r, metric, value);
        }
        Ok(())
    }
}

/// A duration in whole seconds, at least one (wrk and ab count in
/// seconds).
fn seconds(d: Duration) -> u64 {
    d.as_secs_f64().ceil().max(1.0) as u64
}

impl Experiment for Http {
    fn name(&self) -> &'static str {
        EXP
    }

    fn about(&self) -> &'static str {
        "Tinyhttpd's concurrency models against nginx and lighttpd (wrk, ab): files kept alive, files with close, CGI"
    }

    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
        if lab.cfg.build {
            if let Some(done) = install_missing() {
                say(format!("lab: {done}"));
            }
        }
        let mut chosen = Vec::new();
        for s in SUBJECTS {
            let program = match (s.kind, s.tool) {
                (Kind::Ours(binary), _) => {
                    if lab.available(EXP, s.name, binary) {
                        chosen.push(s);
                    }
                    continue;
                }
                (Kind::Nginx, _) => "nginx",
                (Kind::Lighttpd, _) => "lighttpd",
            };
            if !lab.cfg.wants(s.name) {
                continue;
            }
            match installed(program) {
                Some(_) => chosen.push(s),
                None => {
                    lab.results
                        .note(EXP, s.name, format!("skipped: {program} is not installed"))
                }
            }
        }
        for tool in ["wrk", "ab"] {
            if installed(tool).is_none() {
                lab.results.note(
                    EXP,
                    tool,
                    format!("{tool} is not installed: its points fail"),
                );
            }
        }
        let mut points: Vec<Box<dyn super::Point>> = Vec::new();
        for repeat in 0..lab.cfg.repeats {
            for &subject in &chosen {
                for &load in subject.loads {
                    for conns in CONNS {
                        points.push(Box::new(Point {
                            subject,
                            load,
                            conns,
                            repeat,
                        }));
                    }
                }
            }
        }
        points
    }

    fn section(&self, lab: &Lab) -> Section {
        section(lab)
    }

    fn targets(&self, lab: &Lab) -> Vec<Target> {
        targets(lab)
    }

    fn summary(&self, lab: &Lab) -> Option<String> {
        let table = table(lab, &[*CONNS.last()?]);
        (!table.is_empty()).then(|| {
            format!(
                "HTTP, {} connections (`--only http`; wrk unless the server says ab):\n\n{}",
                CONNS.last().unwrap(),
                table.markdown()
            )
        })
    }
}

/// The results table: every subject, load and connection count in `conns`
/// that was measured.
fn table(lab: &Lab, conns: &[usize]) -> Table {
    let mut t = Table::new(&[
        "load",
        "server",
        "design",
        "tool",
        "connections",
        "requests/s",
        "p50 µs",
        "p99 µs",
        "server CPU µs/request",
        "errors",
    ]);
    let r = &lab.results;
    for load in [Load::KeepAlive, Load::Close, Load::Cgi] {
        for s in SUBJECTS.iter().filter(|s| s.loads.contains(&load)) {
            for &c in conns {
                let name = subject(s.name, load);
                let at = |metric| r.spread(EXP, &name, c as u64, metric);
                if at("req_per_s").is_none() {
                    continue;
                }
                t.row(vec![
                    load.name().into(),
                    s.name.into(),
                    s.design.into(),
                    format!("{:?}", s.tool).to_lowercase(),
                    c.to_string(),
                    show(at("req_per_s"), num),
                    show(at("p50_us"), num),
                    show(at("p99_us"), num),
                    show(at("cpu_us_per_req"), |v| format!("{v:.1}")),
                    show(at("errors"), |v| format!("{v:.0}")),
                ]);
            }
        }
    }
    t
}

fn section(lab: &Lab) -> Section {
    let mut md = String::from("## HTTP: Tinyhttpd's models, nginx and lighttpd\n\n");
    let page = htdocs()
        .ok()
        .and_then(|d| std::fs::metadata(d.join("index.html")).ok())
        .map_or(0, |m| m.len());
    let _ = writeln!(
        md,
        "Each server serves Tinyhttpd's `htdocs/` on CPU {}; the load generator runs on CPU {}, \
         one thread, for {} s after {} s of warm-up, at {} connections. Loads: `/index.html` \
         ({page} bytes) kept alive; the same with `Connection: close`; `/color.cgi?color=red` \
         (a Perl program forked and executed per request) kept alive, measured for {} s after \
         {} s of warm-up (at least {} s and {} s: at {} connections the first wave of CGI \
         requests, a fork and an exec of Perl each, all wait for one CPU before the first \
         answer), wrk waiting up to {} s for an answer. wrk measures every row \
         but those marked ab: the faithful `httpd` closes each response instead of sending its \
         length, which wrk counts as an error, so it and nginx beside it are measured with ab \
         (whose percentiles are whole milliseconds). Server CPU is its whole process group's \
         user and system time over the measured run, divided by the requests. Each cell: \
         median (min–max) of the repeats.\n",
        lab.cfg.server_cpu,
        lab.cfg.load_cpu,
        seconds(lab.cfg.measure),
        seconds(lab.cfg.warmup),
        CONNS.map(|c| c.to_string()).join(" and "),
        Load::Cgi.windows(&lab.cfg).0,
        Load::Cgi.windows(&lab.cfg).1,
        CGI_MEASURE.as_secs(),
        CGI_WARMUP.as_secs(),
        CONNS[CONNS.len() - 1],
        CGI_TIMEOUT.as_secs(),
    );
    let t = table(lab, &CONNS);
    if t.is_empty() {
        md.push_str("\nNothing was measured in this run.\n");
        return Section {
            markdown: md,
            charts: Vec::new(),
        };
    }
    md.push('\n');
    md.push_str(&t.markdown());
    let conns = *CONNS.last().unwrap() as u64;
    let mut charts = Vec::new();
    for load in [Load::KeepAlive, Load::Close, Load::Cgi] {
        let bars: Vec<(String, crate::stats::Spread)> = SUBJECTS
            .iter()
            .filter(|s| s.loads.contains(&load) && s.tool == Tool::Wrk)
            .filter_map(|s| {
                let spread = lab
                    .results
                    .spread(EXP, &subject(s.name, load), conns, "req_per_s")?;
                Some((s.name.to_string(), spread))
            })
            .collect();
        if bars.is_empty() {
            continue;
        }
        let title = format!(
            "HTTP {}: requests/s at {conns} connections (wrk)",
            load.name()
        );
        charts.push(Chart {
            file: format!("http-{}.svg", load.name()),
            svg: bar_chart(
                &title,
                "requests/s",
                &bars,
                best_model(lab, load).as_deref(),
            ),
            title,
        });
    }
    Section {
        markdown: md,
        charts,
    }
}

/// The model of ours with the most requests/s under `load` at the most
/// connections.
fn best_model(lab: &Lab, load: Load) -> Option<String> {
    let conns = *CONNS.last()? as u64;
    MODELS
        .iter()
        .filter_map(|m| {
            let rate = lab
                .results
                .median(EXP, &subject(m, load), conns, "req_per_s")?;
            Some((m.to_string(), rate))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m)
}

fn targets(lab: &Lab) -> Vec<Target> {
    let conns = *CONNS.last().unwrap() as u64;
    let r = &lab.results;
    let median =
        |name: &str, load: Load, metric: &str| r.median(EXP, &subject(name, load), conns, metric);
    let mut targets = Vec::new();
    for load in [Load::KeepAlive, Load::Close] {
        let best = best_model(lab, load);
        let ours = best.as_deref().and_then(|m| {
            Some((
                m,
                median(m, load, "req_per_s")?,
                median(m, load, "cpu_us_per_req")?,
            ))
        });
        let nginx = median("nginx", load, "req_per_s").zip(median("nginx", load, "cpu_us_per_req"));
        let (figures, ok) = match (ours, nginx) {
            (Some((m, rate, cpu)), Some((n_rate, n_cpu))) => (
                format!(
                    "{m}: {} requests/s, {cpu:.1} µs CPU/request; nginx: {} requests/s, {n_cpu:.1} µs CPU/request",
                    num(rate),
                    num(n_rate)
                ),
                Some(rate >= n_rate && cpu <= n_cpu),
            ),
            _ => (NOT_MEASURED.into(), None),
        };
        targets.push(Target {
            goal: format!(
                "HTTP {}: our best model at or above nginx at {conns} connections, in requests/s and in server CPU per request",
                load.name()
            ),
            figures,
            verdict: Verdict::of(ok),
        });
    }
    let best = best_model(lab, Load::Cgi);
    let ours = best
        .as_deref()
        .and_then(|m| Some((m, median(m, Load::Cgi, "req_per_s")?)));
    let lighttpd = median("lighttpd", Load::Cgi, "req_per_s");
    let (figures, ok) = match (ours, lighttpd) {
        // A peer that completed no request in the window (every CGI
        // answer slower than the point) gives nothing to compare with.
        (Some(_), Some(0.0)) => (
            format!("{NOT_MEASURED}: lighttpd completed no request in the measured window"),
            None,
        ),
        (Some((m, rate)), Some(l_rate)) => (
            format!(
                "{m}: {} requests/s; lighttpd: {} requests/s",
                num(rate),
                num(l_rate)
            ),
            Some(rate >= l_rate),
        ),
        _ => (NOT_MEASURED.into(), None),
    };
    targets.push(Target {
        goal: format!("HTTP cgi: our best model at or above lighttpd (mod_cgi) at {conns} connections, in requests/s"),
        figures,
        verdict: Verdict::of(ok),
    });
    let original = median("httpd", Load::Close, "req_per_s");
    let nginx_ab = median("nginx (ab)", Load::Close, "req_per_s");
    let (figures, ok) = match (original, nginx_ab) {
        (Some(o), Some(n)) => (
            format!(
                "httpd: {} requests/s; nginx: {} requests/s (both ab)",
                num(o),
                num(n)
            ),
            Some(2.0 * o >= n),
        ),
        _ => (NOT_MEASURED.into(), None),
    };
    targets.push(Target {
        goal: format!(
            "HTTP close: the thread-per-connection original (httpd) within 2x of nginx at {conns} connections, in requests/s"
        ),
        figures,
        verdict: Verdict::of(ok),
    });
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn the_cgi_load_gets_a_window_long_enough_for_its_first_wave() {
        let quick = Config::quick();
        assert_eq!(
            Load::KeepAlive.windows(&quick),
            (seconds(quick.measure), seconds(quick.warmup))
        );
        let (measure, warmup) = Load::Cgi.windows(&quick);
        assert!(measure >= CGI_MEASURE.as_secs() && warmup >= CGI_WARMUP.as_secs());
        let full = Config::full();
        assert!(Load::Cgi.windows(&full).0 >= seconds(full.measure));
    }

    #[test]
    fn wrk_report_is_read() {
        let out = "Running 1s test @ http://127.0.0.1:1/index.html\n  1 threads and 10 connections\n\
                   \x20 Latency Distribution\n     50%  812.00us\n     75%    1.00ms\n     90%    1.20ms\n\
                   \x20    99%    2.50ms\n  12345 requests in 1.00s, 6.00MB read\n\
                   \x20 Socket errors: connect 0, read 2, write 0, timeout 1\n\
                   \x20 Non-2xx or 3xx responses: 4\nRequests/sec:  12345.67\nTransfer/sec:      6.00MB\n";
        let report = parse_wrk(&lines(out)).unwrap();
        assert_eq!(
            report,
            Report {
                requests: 12345.0,
                per_second: 12345.67,
                p50_us: 812.0,
                p99_us: 2500.0,
                errors: 7.0,
            }
        );
    }

    #[test]
    fn ab_report_is_read() {
        let out = "Complete requests:      5000\nFailed requests:        3\n\
                   Requests per second:    2500.10 [#/sec] (mean)\n  50%      4\n  99%     12\n 100%     30 (longest request)\n";
        let report = parse_ab(&lines(out)).unwrap();
        assert_eq!(
            report,
            Report {
                requests: 5000.0,
                per_second: 2500.1,
                p50_us: 4000.0,
                p99_us: 12000.0,
                errors: 3.0,
            }
        );
    }
}
