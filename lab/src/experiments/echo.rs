//! Experiments 1 and 2: every echo server of the workspace, and the tokio
//! peer, under the same closed-loop load at 1, 10, 100 and 1000
//! connections: round trips per second, latency percentiles, server CPU per
//! round trip, peak memory, and CPU burnt while the connections sit idle.

use std::fmt::Write as _;

use anyhow::Result;

use super::{Lab, Step};
use crate::config::{Config, Experiment};
use crate::report::{num, show, Chart, Section, Table};
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
pub const SERVERS: [EchoServer; 12] = [
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
        "io_uring",
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
/// The book's select server, the first target's yardstick.
pub const BOOK_SELECT: &str = "tcpservselect01";

/// One echo point: a server at a connection count, one repeat.
pub struct Point {
    pub server: &'static EchoServer,
    pub conns: usize,
    pub repeat: usize,
}

impl Point {
    pub fn label(&self) -> String {
        format!(
            "echo: {} at {} connections, repeat {}",
            self.server.name,
            self.conns,
            self.repeat + 1
        )
    }

    pub fn subject(&self) -> String {
        self.server.name.to_owned()
    }

    pub fn cost(&self, cfg: &Config) -> f64 {
        (cfg.warmup + cfg.measure + cfg.idle_window).as_secs_f64() + 0.3 + self.conns as f64 * 0.001
    }
}

/// Every repeat of every server at every connection count; the repeats
/// outermost, so that a slow drift of the machine spreads over all servers.
pub fn plan(lab: &mut Lab) -> Vec<Step> {
    let servers: Vec<&'static EchoServer> = SERVERS
        .iter()
        .filter(|s| lab.available(Experiment::Echo, s.name, s.binary))
        .collect();
    let mut steps = Vec::new();
    for repeat in 0..lab.cfg.repeats {
        for &server in &servers {
            for &conns in &lab.cfg.conns {
                steps.push(Step::Echo(Point {
                    server,
                    conns,
                    repeat,
                }));
            }
        }
    }
    steps
}

pub fn run(lab: &mut Lab, p: &Point) -> Result<()> {
    let m = lab.measure_echo(p.server, p.conns, 0)?;
    let (name, conns, r) = (p.server.name, p.conns as u64, p.repeat);
    let lat = &m.run.latency;
    let wall = m.run.secs;
    for (metric, value) in [
        ("rt_per_s", m.run.per_second()),
        ("p50_us", lat.p50_us),
        ("p90_us", lat.p90_us),
        ("p99_us", lat.p99_us),
        ("p999_us", lat.p999_us),
        ("max_us", lat.max_us),
        (
            "cpu_us_per_rt",
            1e6 * m.server_cpu / m.run.round_trips.max(1) as f64,
        ),
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

/// The connection count the headline table and the targets use: 100, or
/// the nearest measured.
pub fn headline_conns(cfg: &Config) -> u64 {
    cfg.conns
        .iter()
        .min_by_key(|c| c.abs_diff(100))
        .map_or(100, |c| *c as u64)
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

/// The targets of the issue, each with this run's figure and whether it
/// was met.
pub fn targets(lab: &Lab) -> String {
    let conns = headline_conns(&lab.cfg);
    let rt = |name: &str| lab.results.median(EXP, name, conns, "rt_per_s");
    let per_cpu_s = |name: &str| {
        lab.results
            .median(EXP, name, conns, "cpu_us_per_rt")
            .map(|us| 1e6 / us)
    };
    let all = ranked(lab, conns);
    let best_loop = all.iter().find(|(s, _)| s.model.single_threaded_loop());
    let best = all.iter().find(|(s, _)| s.name != TOKIO);
    let best_epoll = SERVERS
        .iter()
        .filter(|s| s.model == Model::Epoll)
        .filter_map(|s| Some((s.name, per_cpu_s(s.name)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "missed",
        None => "not measured",
    };
    let mut t = Table::new(&["target", "this run", "verdict"]);
    let select = rt(BOOK_SELECT);
    let ratio = best_loop.zip(select).map(|((_, b), s)| b / s);
    t.row(vec![
        format!("best single-threaded event loop ≥ 1.1 × {BOOK_SELECT} (round trips/s, {conns} connections)"),
        match (best_loop, select) {
            (Some((s, b)), Some(sel)) => format!("{}: {} vs {}: {} = {:.2}×", s.name, num(*b), BOOK_SELECT, num(sel), b / sel),
            _ => "–".into(),
        },
        verdict(ratio.map(|r| r >= 1.1)).into(),
    ]);
    let busy = |name: &str, metric: &str| {
        lab.results
            .median(EXP, name, conns, metric)
            .map_or("–".into(), |v| format!("{v:.0}%"))
    };
    t.row(vec![
        format!("best single-threaded event loop ≥ 300k round trips/s ({conns} connections)"),
        best_loop.map_or("–".into(), |(s, b)| {
            format!(
                "{}: {} (server CPU {}, load generator CPU {})",
                s.name,
                num(*b),
                busy(s.name, "server_cpu_pct"),
                busy(s.name, "gen_cpu_pct")
            )
        }),
        verdict(best_loop.map(|(_, b)| *b >= 300_000.0)).into(),
    ]);
    let uring = per_cpu_s("uringserv01");
    t.row(vec![
        "io_uring ≥ 1.3 × the best epoll server in round trips per server CPU second".into(),
        match (uring, best_epoll) {
            (Some(u), Some((e, ev))) => format!(
                "uringserv01: {} vs {e}: {} = {:.2}×",
                num(u),
                num(ev),
                u / ev
            ),
            _ => "–".into(),
        },
        verdict(uring.zip(best_epoll).map(|(u, (_, e))| u >= 1.3 * e)).into(),
    ]);
    let tokio = rt(TOKIO);
    t.row(vec![
        format!("best design of the workspace beats {TOKIO} (round trips/s, {conns} connections)"),
        match (best, tokio) {
            (Some((s, b)), Some(tk)) => format!(
                "{}: {} vs {}: {} = {:.2}×",
                s.name,
                num(*b),
                TOKIO,
                num(tk),
                b / tk
            ),
            _ => "–".into(),
        },
        verdict(best.zip(tokio).map(|((_, b), tk)| *b > tk)).into(),
    ]);
    let mut out = String::from("## Targets\n\n");
    let _ = writeln!(
        out,
        "Medians of this run only; server on CPU {}, load generator on CPU {}.\n",
        lab.cfg.server_cpu, lab.cfg.load_cpu
    );
    out + &t.markdown()
}

pub fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let conns = headline_conns(&lab.cfg);
    let mut md = String::from("## 1–2. Echo servers: throughput, latency, CPU and memory\n\n");
    let _ = writeln!(
        md,
        "A closed loop: every connection keeps one {}-byte request outstanding (TCP_NODELAY), \
         from `lab-loadgen`, one epoll loop in its own process on CPU {}; the server runs on CPU {}. \
         Each point: {} ms warm-up, {} ms measured, {} repeats, a fresh server each time; \
         figures are `median (min–max)` of the repeats. *CPU/rt* is the server's CPU time \
         (all its processes and threads, from /proc) per round trip; *idle CPU* is the server's \
         CPU use while its connections stay open without traffic. \
         `{TOKIO}` is tokio on a current_thread runtime (one thread, like the event loops).\n",
        lab.cfg.request_bytes,
        lab.cfg.load_cpu,
        lab.cfg.server_cpu,
        lab.cfg.warmup.as_millis(),
        lab.cfg.measure.as_millis(),
        lab.cfg.repeats
    );
    let spread = |name: &str, c: u64, metric: &str| r.spread(EXP, name, c, metric);
    let mut head = Table::new(&[
        "server",
        "design",
        "round trips/s",
        "p50 µs",
        "p99 µs",
        "CPU/rt µs",
        "server CPU",
        "generator CPU",
        "peak RSS MiB",
        "idle CPU",
    ]);
    let ranked_now = ranked(lab, conns);
    for (s, _) in &ranked_now {
        head.row(vec![
            s.name.into(),
            s.design.into(),
            show(spread(s.name, conns, "rt_per_s"), num),
            show(spread(s.name, conns, "p50_us"), micros),
            show(spread(s.name, conns, "p99_us"), micros),
            show(spread(s.name, conns, "cpu_us_per_rt"), micros),
            spread(s.name, conns, "server_cpu_pct").map_or("–".into(), |s| percent(s.median)),
            spread(s.name, conns, "gen_cpu_pct").map_or("–".into(), |s| percent(s.median)),
            spread(s.name, conns, "peak_rss_mib")
                .map_or("–".into(), |s| format!("{:.1}", s.median)),
            spread(s.name, conns, "idle_cpu_pct").map_or("–".into(), |s| percent(s.median)),
        ]);
    }
    md += &super::disturbance(r, EXP);
    let _ = writeln!(md, "\n### At {conns} connections\n\n{}", head.markdown());
    let mut all = Table::new(&[
        "server",
        "conns",
        "round trips/s",
        "p50 µs",
        "p99 µs",
        "CPU/rt µs",
        "peak RSS MiB",
        "idle CPU",
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
            .map(|s| Series {
                name: s.name.into(),
                points: lab
                    .cfg
                    .conns
                    .iter()
                    .filter_map(|&c| Some((c as f64, r.median(EXP, s.name, c as u64, metric)?)))
                    .collect(),
            })
            .filter(|s| !s.points.is_empty())
            .collect()
    };
    let charts = vec![
        Chart {
            file: "echo-throughput.svg".into(),
            title: "Echo round trips per second by connection count".into(),
            svg: line_chart(
                "Echo round trips per second (median)",
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
                "Echo p99 latency (median of repeats)",
                "connections",
                "p99 latency (µs)",
                &series_of("p99_us"),
                true,
                true,
            ),
        },
        Chart {
            file: "echo-headline.svg".into(),
            title: format!("Echo round trips per second at {conns} connections"),
            svg: bar_chart(
                &format!("Round trips per second at {conns} connections (median)"),
                "round trips per second",
                &ranked_now
                    .iter()
                    .map(|(s, v)| (s.name.to_string(), *v))
                    .collect::<Vec<_>>(),
                Some(TOKIO),
            ),
        },
        Chart {
            file: "echo-cpu.svg".into(),
            title: format!("Server CPU per round trip at {conns} connections"),
            svg: bar_chart(
                &format!("Server CPU µs per round trip at {conns} connections (median)"),
                "µs of server CPU per round trip",
                &ranked_now
                    .iter()
                    .filter_map(|(s, _)| {
                        Some((
                            s.name.to_string(),
                            r.median(EXP, s.name, conns, "cpu_us_per_rt")?,
                        ))
                    })
                    .collect::<Vec<_>>(),
                Some(TOKIO),
            ),
        },
    ];
    Section {
        markdown: md,
        charts,
    }
}
