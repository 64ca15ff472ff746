//! Experiments 1 and 2: every echo server of the workspace, and the tokio
//! peer, under the same closed-loop load at 1, 10, 100 and 1000
//! connections: round trips per second, latency percentiles, server CPU per
//! round trip, peak memory, and CPU burnt while the connections sit idle.

use std::fmt::Write as _;

use anyhow::Result;

use super::{Experiment, Lab};
use crate::config::Config;
use crate::perf::{self, Probe, Probed};
use crate::report::{num, show, Chart, Section, Table, Target, Verdict, NOT_MEASURED};
use crate::stats::Spread;
use crate::svg::{bar_chart, line_chart, Series};

const EXP: &str = "echo";

/// How a server waits for its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Fork,
    Select,
    Poll,
    Epoll,
    BusyPoll,
    PosixAio,
    IoUring,
    Tokio,
}

impl Model {
    /// One thread running one event loop: the servers the first target is about.
    pub fn single_threaded_loop(self) -> bool {
        matches!(
            self,
            Model::Select | Model::Poll | Model::Epoll | Model::BusyPoll | Model::IoUring
        )
    }
}

/// An echo server of the workspace (or the lab's tokio peer).
#[derive(Debug)]
pub struct EchoServer {
    /// The name in tables and charts.
    pub name: &'static str,
    pub binary: &'static str,
    /// Arguments before the port (the port is always the last one).
    pub args: &'static [&'static str],
    pub model: Model,
    pub design: &'static str,
}

const fn server(
    name: &'static str,
    binary: &'static str,
    args: &'static [&'static str],
    model: Model,
    design: &'static str,
) -> EchoServer {
    EchoServer {
        name,
        binary,
        args,
        model,
        design,
    }
}

/// Every echo server the experiment knows, book order first.
pub const SERVERS: [EchoServer; 13] = [
    server(
        "tcpserv04",
        "tcpserv04",
        &[],
        Model::Fork,
        "fork per client (Fig 5.12)",
    ),
    server(
        "tcpservselect01",
        "tcpservselect01",
        &[],
        Model::Select,
        "select, one process (Fig 6.21)",
    ),
    server(
        "tcpservpoll01",
        "tcpservpoll01",
        &[],
        Model::Poll,
        "poll, one process (Fig 6.25)",
    ),
    server(
        "tcpservepoll01",
        "tcpservepoll01",
        &[],
        Model::Epoll,
        "epoll, level-triggered",
    ),
    server(
        "tcpservepoll02",
        "tcpservepoll02",
        &[],
        Model::Epoll,
        "epoll, edge-triggered",
    ),
    server(
        "tcpservreactor01 select",
        "tcpservreactor01",
        &["select"],
        Model::Select,
        "reactor over select",
    ),
    server(
        "tcpservreactor01 poll",
        "tcpservreactor01",
        &["poll"],
        Model::Poll,
        "reactor over poll",
    ),
    server(
        "tcpservreactor01 epoll",
        "tcpservreactor01",
        &["epoll"],
        Model::Epoll,
        "reactor over epoll",
    ),
    server(
        "tcpservbusy01",
        "tcpservbusy01",
        &[],
        Model::BusyPoll,
        "nonblocking, busy polling",
    ),
    server("aioserv01", "aioserv01", &[], Model::PosixAio, "POSIX aio"),
    server(
        "uringserv01",
        "uringserv01",
        &[],
        Model::IoUring,
        "io_uring, one recv then one send per round trip",
    ),
    server(
        "uringserv02",
        "uringserv02",
        &[],
        Model::IoUring,
        "io_uring, multishot recv into a provided buffer ring, DEFER_TASKRUN",
    ),
    server(
        "lab-tokio-echo",
        "lab-tokio-echo",
        &[],
        Model::Tokio,
        "tokio, current_thread runtime (the peer)",
    ),
];

/// The tokio peer's name.
pub const TOKIO: &str = "lab-tokio-echo";
/// The epoll server the io_uring targets are measured against.
pub const EPOLL: &str = "tcpservepoll01";
/// The io_uring server on the modern interface, the subject of the targets.
pub const URING: &str = "uringserv02";
/// The connection count of the targets.
pub const TARGET_CONNS: u64 = 100;
/// `URING` against `EPOLL` in round trips per server-CPU second.
pub const URING_CPU_GAIN: f64 = 1.15;
/// At most this many system calls per round trip for `URING`.
pub const URING_SYSCALLS: f64 = 0.05;

/// Experiments 1 and 2.
pub struct Echo;

/// One echo point: a server at a connection count, one repeat; or, with a
/// probe, the one extra point at which perf counts its system calls or
/// samples its CPU.
pub struct Point {
    pub server: &'static EchoServer,
    pub conns: usize,
    pub repeat: usize,
    pub probe: Option<Probe>,
}

impl super::Point for Point {
    fn label(&self) -> String {
        let what = match self.probe {
            None => format!("repeat {}", self.repeat + 1),
            Some(Probe::Syscalls) => "counting system calls (perf stat)".into(),
            Some(Probe::Profile) => "profiling (perf record)".into(),
        };
        format!(
            "echo: {} at {} connections, {what}",
            self.server.name, self.conns
        )
    }

    fn subject(&self) -> String {
        self.server.name.to_owned()
    }

    fn cost(&self, cfg: &Config) -> f64 {
        let perf = match self.probe {
            None => 0.0,
            Some(Probe::Syscalls) => 0.5,
            Some(Probe::Profile) => 3.0,
        };
        (cfg.warmup + cfg.measure + cfg.idle_window).as_secs_f64()
            + 0.3
            + perf
            + self.conns as f64 * 0.001
    }

    fn run(&self, lab: &mut Lab) -> Result<()> {
        let m = lab.measure_echo(self.server, self.conns, 0, self.probe)?;
        let (name, conns, r) = (self.server.name, self.conns as u64, self.repeat);
        let round_trips = m.run.round_trips.max(1) as f64;
        let cpu_us_per_rt = 1e6 * m.server_cpu / round_trips;
        match m.probed {
            Some(Probed::Syscalls(calls)) => {
                lab.results.add(
                    EXP,
                    name,
                    conns,
                    r,
                    "syscalls_per_rt",
                    calls as f64 / round_trips,
                );
                return Ok(());
            }
            Some(Probed::Profile(p)) => {
                let shares = [
                    p.paths[0],
                    p.paths[1],
                    p.paths[2],
                    p.entry,
                    p.user,
                    p.other_kernel(),
                ];
                for (metric, count) in PROFILE_METRICS.iter().zip(shares) {
                    lab.results.add(EXP, name, conns, r, metric, p.share(count));
                }
                lab.results
                    .add(EXP, name, conns, r, "prof_samples", p.samples as f64);
                lab.results
                    .add(EXP, name, conns, r, "prof_cpu_us_per_rt", cpu_us_per_rt);
                return Ok(());
            }
            None => {}
        }
        let lat = &m.run.latency;
        let wall = m.run.secs;
        for (metric, value) in [
            ("rt_per_s", m.run.per_second()),
            ("p50_us", lat.p50_us),
            ("p90_us", lat.p90_us),
            ("p99_us", lat.p99_us),
            ("p999_us", lat.p999_us),
            ("max_us", lat.max_us),
            ("cpu_us_per_rt", cpu_us_per_rt),
            ("server_cpu_pct", 100.0 * m.server_cpu / wall),
            ("gen_cpu_pct", 100.0 * m.gen_cpu / wall),
            ("peak_rss_mib", m.peak_rss_mib),
            ("idle_cpu_pct", m.idle_cpu_pct),
            ("other_cpu_pct", m.other_cpu_pct),
            ("attempts", m.attempts as f64),
        ] {
            lab.results.add(EXP, name, conns, r, metric, value);
        }
        Ok(())
    }
}

/// The profile's columns: the kernel paths of [`perf::PATHS`], syscall
/// entry, user space, the rest of the kernel; each a share of the samples.
const PROFILE_METRICS: [&str; 6] = [
    "prof_send_share",
    "prof_recv_share",
    "prof_wait_share",
    "prof_entry_share",
    "prof_user_share",
    "prof_other_share",
];
const PROFILE_HEADERS: [&str; 6] = [
    "send",
    "recv",
    "wait call",
    "syscall entry",
    "user space",
    "other kernel",
];

/// The servers profiled: the epoll reference and the io_uring server of
/// the targets.
fn profiled(server: &EchoServer) -> bool {
    server.name == EPOLL || server.name == URING
}

impl Experiment for Echo {
    fn name(&self) -> &'static str {
        EXP
    }

    fn about(&self) -> &'static str {
        "every echo server and the tokio peer under a closed-loop load"
    }

    fn needs_loadgen(&self) -> bool {
        true
    }

    /// Every repeat of every server at every connection count; the repeats
    /// outermost, so that a slow drift of the machine spreads over all
    /// servers. Then, where perf works, one point per server counting its
    /// system calls and one profiling each of [`profiled`], at the
    /// headline connection count.
    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
        let servers: Vec<&'static EchoServer> = SERVERS
            .iter()
            .filter(|s| lab.available(EXP, s.name, s.binary))
            .collect();
        let mut points: Vec<Box<dyn super::Point>> = Vec::new();
        for repeat in 0..lab.cfg.repeats {
            for &server in &servers {
                for &conns in &lab.cfg.conns {
                    points.push(Box::new(Point {
                        server,
                        conns,
                        repeat,
                        probe: None,
                    }));
                }
            }
        }
        if let Err(why) = &lab.perf {
            let text = format!("system calls per round trip and the profile: {why}");
            lab.results.note(EXP, "perf", text);
            return points;
        }
        let conns = headline_conns(&lab.cfg) as usize;
        for &server in &servers {
            let probes = match profiled(server) {
                true => &[Probe::Syscalls, Probe::Profile][..],
                false => &[Probe::Syscalls][..],
            };
            for &probe in probes {
                points.push(Box::new(Point {
                    server,
                    conns,
                    repeat: 0,
                    probe: Some(probe),
                }));
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
        summary(lab)
    }
}

/// The connection count the headline table and the targets use: 100, or
/// the nearest measured.
pub fn headline_conns(cfg: &Config) -> u64 {
    cfg.conns
        .iter()
        .min_by_key(|c| c.abs_diff(TARGET_CONNS as usize))
        .map_or(TARGET_CONNS, |c| *c as u64)
}

/// Microseconds, to a sensible precision.
pub fn micros(v: f64) -> String {
    match v {
        _ if v >= 100.0 => format!("{v:.0}"),
        _ if v >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

fn percent(v: f64) -> String {
    format!("{v:.0}%")
}

/// System calls per round trip, to two significant figures or so.
fn calls(v: f64) -> String {
    match v {
        _ if v >= 10.0 => format!("{v:.1}"),
        _ if v >= 0.1 => format!("{v:.2}"),
        _ => format!("{v:.3}"),
    }
}

/// The servers measured in this run, with their median round trips per
/// second at `conns`, fastest first.
fn ranked(lab: &Lab, conns: u64) -> Vec<(&'static EchoServer, f64)> {
    let mut rows: Vec<(&'static EchoServer, f64)> = SERVERS
        .iter()
        .filter_map(|s| Some((s, lab.results.median(EXP, s.name, conns, "rt_per_s")?)))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows
}

/// Round trips per server-CPU second of `name` at `conns`.
fn per_cpu_second(lab: &Lab, name: &str, conns: u64) -> Option<f64> {
    lab.results
        .median(EXP, name, conns, "cpu_us_per_rt")
        .map(|us| 1e6 / us)
}

/// `a: x unit vs b: y unit = r×`, or [`NOT_MEASURED`].
fn versus(a: (&str, Option<f64>), b: (&str, Option<f64>), unit: &str) -> String {
    match (a.1, b.1) {
        (Some(x), Some(y)) => format!(
            "{}: {} vs {}: {} {unit} = {:.2}×",
            a.0,
            num(x),
            b.0,
            num(y),
            x / y
        ),
        _ => NOT_MEASURED.into(),
    }
}

/// The project's targets for the echo servers, each with this run's
/// figures and verdict.
pub fn targets(lab: &Lab) -> Vec<Target> {
    let c = TARGET_CONNS;
    let rt = |name: &str| lab.results.median(EXP, name, c, "rt_per_s");
    let cpu_s = |name: &str| per_cpu_second(lab, name, c);
    let mut out = Vec::new();
    let (u, e) = (cpu_s(URING), cpu_s(EPOLL));
    out.push(Target {
        goal: format!(
            "{URING} ≥ {URING_CPU_GAIN} × {EPOLL} in round trips per server-CPU second ({c} connections)"
        ),
        figures: versus(
            (URING, u),
            (EPOLL, e),
            "round trips per server-CPU second",
        ),
        verdict: Verdict::of(u.zip(e).map(|(u, e)| u >= URING_CPU_GAIN * e)),
    });
    let (u, e) = (rt(URING), rt(EPOLL));
    out.push(Target {
        goal: format!("{URING} ≥ {EPOLL} in round trips per second ({c} connections)"),
        figures: versus((URING, u), (EPOLL, e), "round trips/s"),
        verdict: Verdict::of(u.zip(e).map(|(u, e)| u >= e)),
    });
    let sc = lab.results.median(EXP, URING, c, "syscalls_per_rt");
    out.push(Target {
        goal: format!("{URING} ≤ {URING_SYSCALLS} system calls per round trip ({c} connections)"),
        figures: sc.map_or(NOT_MEASURED.into(), |v| {
            format!("{URING}: {} system calls per round trip", calls(v))
        }),
        verdict: Verdict::of(sc.map(|v| v <= URING_SYSCALLS)),
    });
    let best = ranked(lab, c).into_iter().find(|(s, _)| s.name != TOKIO);
    let tokio = rt(TOKIO);
    out.push(Target {
        goal: format!(
            "the fastest design of the workspace beats {TOKIO} in round trips per second ({c} connections)"
        ),
        figures: match best {
            Some((s, b)) => versus((s.name, Some(b)), (TOKIO, tokio), "round trips/s"),
            None => NOT_MEASURED.into(),
        },
        verdict: Verdict::of(best.zip(tokio).map(|((_, b), t)| b > t)),
    });
    out
}

/// The headline table: every server measured at `conns`, fastest first;
/// `full` for the report (every column, with the spread of the repeats),
/// else the README's (fewer columns, medians).
fn headline_table(lab: &Lab, conns: u64, full: bool) -> Table {
    type Format = fn(f64) -> String;
    let rss: Format = |v| format!("{v:.1}");
    // (header, metric, format, whether the README shows it)
    let columns: [(&str, &str, Format, bool); 9] = [
        ("round trips/s", "rt_per_s", num, true),
        ("p50 µs", "p50_us", micros, false),
        ("p99 µs", "p99_us", micros, true),
        (
            "server CPU µs per round trip",
            "cpu_us_per_rt",
            micros,
            true,
        ),
        (
            "system calls per round trip",
            "syscalls_per_rt",
            calls,
            true,
        ),
        ("server CPU, % of one CPU", "server_cpu_pct", percent, false),
        ("generator CPU, % of one CPU", "gen_cpu_pct", percent, false),
        ("peak RSS MiB", "peak_rss_mib", rss, false),
        ("idle CPU, % of one CPU", "idle_cpu_pct", percent, true),
    ];
    let shown: Vec<_> = columns.iter().filter(|c| full || c.3).collect();
    let mut headers = vec!["server", "design"];
    headers.extend(shown.iter().map(|c| c.0));
    let mut t = Table::new(&headers);
    // The spread where it says something: a rate, a latency, a cost.
    let with_spread = ["rt_per_s", "p50_us", "p99_us", "cpu_us_per_rt"];
    for (s, _) in ranked(lab, conns) {
        let mut row = vec![s.name.to_string(), s.design.to_string()];
        for &&(_, metric, fmt, _) in &shown {
            let spread = lab.results.spread(EXP, s.name, conns, metric);
            row.push(match full && with_spread.contains(&metric) {
                true => show(spread, fmt),
                false => spread.map_or("–".into(), |s| fmt(s.median)),
            });
        }
        t.row(row);
    }
    t
}

/// The profile table and what it shows, or `None` when no profile was taken.
fn profile(lab: &Lab, conns: u64) -> Option<String> {
    let r = &lab.results;
    let m = |name: &str, metric: &str| r.median(EXP, name, conns, metric);
    // The epoll reference and the io_uring server of the targets.
    let names: Vec<&str> = [EPOLL, URING]
        .into_iter()
        .filter(|n| m(n, "prof_samples").is_some())
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut headers = vec!["server", "samples", "server CPU µs per round trip"];
    headers.extend(PROFILE_HEADERS);
    let mut t = Table::new(&headers);
    // Microseconds of server CPU per round trip under each path.
    let per_rt = |name: &str, metric: &str| Some(m(name, metric)? * m(name, "prof_cpu_us_per_rt")?);
    for name in &names {
        let mut row = vec![
            name.to_string(),
            m(name, "prof_samples").map_or("–".into(), |v| format!("{v:.0}")),
            m(name, "prof_cpu_us_per_rt").map_or("–".into(), micros),
        ];
        for metric in PROFILE_METRICS {
            row.push(match (m(name, metric), per_rt(name, metric)) {
                (Some(share), Some(us)) => format!("{:.1}% ({} µs)", 100.0 * share, micros(us)),
                _ => "–".into(),
            });
        }
        t.row(row);
    }
    let mut md = format!(
        "### Where the server's CPU goes ({conns} connections)\n\n\
         One extra point per server, `perf record -e {} -g` attached to the server's processes for \
         the measured interval (a software event: this run reads no hardware counter). Each sample \
         counts under the first of these its call chain holds: {}; else *syscall entry* when its \
         innermost frame is system call entry or exit code ({}); else user space or other kernel \
         work. For io_uring the *wait call* is all of `io_uring_enter` outside send and recv: \
         submitting, completing and waiting. Each cell: share of the samples (µs of server CPU per round trip). The epoll server \
         {EPOLL} and the io_uring server of the targets, {URING}.\n\n{}",
        perf::PROFILE_EVENT,
        perf::PATHS
            .iter()
            .map(|(path, funcs)| format!("*{path}* ({})", funcs.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join("; "),
        perf::ENTRY.iter().map(|f| format!("`{f}*`")).collect::<Vec<_>>().join(", "),
        t.markdown()
    );
    if let [epoll, uring] = names[..] {
        let diffs: Vec<(&str, f64)> = PROFILE_HEADERS
            .iter()
            .zip(PROFILE_METRICS)
            .filter_map(|(h, metric)| Some((*h, per_rt(uring, metric)? - per_rt(epoll, metric)?)))
            .collect();
        let total = m(uring, "prof_cpu_us_per_rt").zip(m(epoll, "prof_cpu_us_per_rt"));
        if let Some((u, e)) = total {
            let (path, diff) = match u > e {
                true => diffs.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)),
                false => diffs.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)),
            }
            .unwrap_or(("–", 0.0));
            let _ = writeln!(
                md,
                "\nProfiled, {uring} spends {} µs of server CPU per round trip {} than {epoll}; the \
                 largest difference is under *{path}*: {} µs per round trip {}. Path by path \
                 ({uring} minus {epoll}, µs per round trip): {}.",
                micros((u - e).abs()),
                if u > e { "more" } else { "less" },
                micros(diff.abs()),
                if diff > 0.0 { "more" } else { "less" },
                diffs
                    .iter()
                    .map(|(h, d)| format!("{h} {}{}", if *d < 0.0 { "−" } else { "+" }, micros(d.abs())))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            // The target in the same profiled points: what the gain would
            // need, and where the rest of the time is.
            let needed = e / URING_CPU_GAIN;
            if u > needed {
                let (send, recv) = (
                    per_rt(uring, "prof_send_share"),
                    per_rt(uring, "prof_recv_share"),
                );
                let _ = writeln!(
                    md,
                    "\nThe {URING_CPU_GAIN}× target would need {uring} at {} µs per round trip or less in \
                     these profiled points; it is {} µs above that. Its time is mostly the TCP work \
                     any interface must do: *send* ({} µs: `tcp_sendmsg`, which on loopback also \
                     delivers the bytes into the generator's socket and wakes it, on this CPU) and \
                     *recv* ({} µs); what io_uring can remove is the *wait call* and *syscall entry* \
                     of {epoll} ({} µs together), and its own *wait call* (everything in \
                     `io_uring_enter` outside `tcp_sendmsg` and `tcp_recvmsg`: preparing each \
                     request, picking a provided buffer, re-arming the multishot recv, running the \
                     deferred task work, posting each completion) costs {} µs itself.",
                    micros(needed),
                    micros(u - needed),
                    send.map_or("–".into(), micros),
                    recv.map_or("–".into(), micros),
                    micros(
                        per_rt(epoll, "prof_wait_share").unwrap_or(0.0)
                            + per_rt(epoll, "prof_entry_share").unwrap_or(0.0)
                    ),
                    per_rt(uring, "prof_wait_share").map_or("–".into(), micros),
                );
            }
        }
    }
    Some(md)
}

pub fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let conns = headline_conns(&lab.cfg);
    let mut md = String::from("## 1–2. Echo servers: throughput, latency, CPU and memory\n\n");
    let _ = writeln!(
        md,
        "A closed loop: every connection keeps one {}-byte request outstanding (TCP_NODELAY), \
         from `{}`, one epoll loop in its own process on CPU {}; the server runs on CPU {}. \
         Each point: {} ms warm-up, {} ms measured, {}, a fresh server each time; \
         figures are `median (min–max)` of the repeats. *Server CPU µs per round trip* is the \
         server's CPU time (all its processes and threads, from /proc) per round trip; *idle CPU* \
         is the server's CPU use during the {} ms after the measured interval, its connections \
         open without traffic. `{TOKIO}` is tokio on a current_thread runtime (one thread, like \
         the event loops).\n",
        lab.cfg.request_bytes,
        super::LOADGEN,
        lab.cfg.load_cpu,
        lab.cfg.server_cpu,
        lab.cfg.warmup.as_millis(),
        lab.cfg.measure.as_millis(),
        lab.cfg.repeats_text(),
        lab.cfg.idle_window.as_millis(),
    );
    let _ = writeln!(
        md,
        "*System calls per round trip*: `perf stat -e {}` attached to every process of the server \
         during the measured interval of one extra point per server at {conns} connections (not \
         one of the repeats, so that the counting weighs on none of their CPU figures), divided by \
         the round trips of that interval. An io_uring server makes one system call per batch, \
         the `io_uring_enter` that submits the sends queued while it handled the last batch of \
         completions and reaps the next: its count is one over the round trips per batch. A batch \
         holds what completed while the server worked on the one before, so the count says how \
         far the server keeps pace with its load: a server that keeps up finds few round trips \
         a batch; one slowed down (by `strace`, which stops it at every call, or by other load \
         on its CPU) finds more waiting in each batch, and so a lower count.{}\n",
        perf::SYSCALL_EVENT,
        r.median(EXP, URING, conns, "syscalls_per_rt")
            .filter(|calls| *calls > 0.0)
            .map_or(String::new(), |calls| format!(
                " Here {URING}: {:.1} round trips per `io_uring_enter`.",
                1.0 / calls
            )),
    );
    md += &super::disturbance(r, EXP);
    let _ = writeln!(
        md,
        "\n### At {conns} connections\n\n{}",
        headline_table(lab, conns, true).markdown()
    );
    if let Some(profile) = profile(lab, conns) {
        md += &profile;
        md += "\n";
    }
    let spread = |name: &str, c: u64, metric: &str| r.spread(EXP, name, c, metric);
    let mut all = Table::new(&[
        "server",
        "connections",
        "round trips/s",
        "p50 µs",
        "p99 µs",
        "server CPU µs per round trip",
        "peak RSS MiB",
        "idle CPU, % of one CPU",
    ]);
    for s in SERVERS.iter() {
        for &c in &lab.cfg.conns {
            let c = c as u64;
            if spread(s.name, c, "rt_per_s").is_none() {
                continue;
            }
            all.row(vec![
                s.name.into(),
                c.to_string(),
                show(spread(s.name, c, "rt_per_s"), num),
                show(spread(s.name, c, "p50_us"), micros),
                show(spread(s.name, c, "p99_us"), micros),
                show(spread(s.name, c, "cpu_us_per_rt"), micros),
                spread(s.name, c, "peak_rss_mib")
                    .map_or("–".into(), |s| format!("{:.1}", s.median)),
                spread(s.name, c, "idle_cpu_pct").map_or("–".into(), |s| percent(s.median)),
            ]);
        }
    }
    if !all.is_empty() {
        let _ = writeln!(md, "### Every connection count\n\n{}", all.markdown());
    }
    let series_of = |metric: &str| -> Vec<Series> {
        SERVERS
            .iter()
            .map(|s| Series::of(s.name, &lab.cfg.conns, |c| spread(s.name, c, metric)))
            .filter(|s| !s.points.is_empty())
            .collect()
    };
    let ranked_now = ranked(lab, conns);
    let bars = |metric: &str| -> Vec<(String, Spread)> {
        ranked_now
            .iter()
            .filter_map(|(s, _)| Some((s.name.to_string(), spread(s.name, conns, metric)?)))
            .collect()
    };
    let charts = vec![
        Chart {
            file: "echo-throughput.svg".into(),
            title: "Echo round trips per second by connection count".into(),
            svg: line_chart(
                "Echo round trips per second (median, bars: min–max of the repeats)",
                "connections",
                "round trips per second",
                &series_of("rt_per_s"),
                true,
                false,
            ),
        },
        Chart {
            file: "echo-p99.svg".into(),
            title: "Echo p99 latency by connection count".into(),
            svg: line_chart(
                "Echo p99 latency (median, bars: min–max of the repeats)",
                "connections",
                "p99 latency (µs)",
                &series_of("p99_us"),
                true,
                true,
            ),
        },
        Chart {
            file: HEADLINE_CHART.into(),
            title: format!("Echo round trips per second at {conns} connections"),
            svg: bar_chart(
                &format!("Round trips per second at {conns} connections (median, line: min–max)"),
                "round trips per second",
                &bars("rt_per_s"),
                Some(TOKIO),
            ),
        },
        Chart {
            file: "echo-cpu.svg".into(),
            title: format!("Server CPU per round trip at {conns} connections"),
            svg: bar_chart(
                &format!(
                    "Server CPU µs per round trip at {conns} connections (median, line: min–max)"
                ),
                "µs of server CPU per round trip",
                &bars("cpu_us_per_rt"),
                Some(TOKIO),
            ),
        },
    ];
    Section {
        markdown: md,
        charts,
    }
}

/// The headline bar chart, also in the README.
const HEADLINE_CHART: &str = "echo-headline.svg";

/// The README's part: the headline chart and table.
pub fn summary(lab: &Lab) -> Option<String> {
    let conns = headline_conns(&lab.cfg);
    let table = headline_table(lab, conns, false);
    if table.is_empty() {
        return None;
    }
    Some(format!(
        "![Round trips per second at {conns} connections]({HEADLINE_CHART})\n\n\
         Echo servers at {conns} connections, {}-byte requests, medians of {}:\n\n{}",
        lab.cfg.request_bytes,
        lab.cfg.repeats_text(),
        table.markdown()
    ))
}
