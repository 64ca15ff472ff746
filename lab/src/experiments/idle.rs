//! Experiment 3: what idle connections cost. One connection does round
//! trips while 10, 100, 1000 and 10000 others sit open and silent; select
//! and poll hand the kernel every descriptor on every call, epoll only the
//! ready ones, so the one connection's latency tells them apart.

use std::fmt::Write as _;

use anyhow::Result;

use super::echo::{micros, EchoServer, SERVERS};
use super::{Experiment, Lab};
use crate::config::Config;
use crate::report::{num, show, Chart, Section, Table, Target, Verdict, NOT_MEASURED};
use crate::svg::{line_chart, Series};

const EXP: &str = "idle";

/// select(2) cannot watch a descriptor at or above FD_SETSIZE.
const FD_SETSIZE: usize = libc::FD_SETSIZE;
/// Descriptors a server holds besides its connections: stdio, the
/// listener, the active connection, its event loop's, and slack.
const SPARE_FDS: usize = 8;
/// The target: epoll's p50 at every idle count within this fraction of
/// its smallest, from the fewest idle connections to the most.
const FLAT: f64 = 0.10;
/// The idle counts the target spans.
const FLAT_FROM: u64 = 10;
const FLAT_TO: u64 = 10_000;

/// The soft limit on open descriptors (`RLIMIT_NOFILE`) the lab's servers
/// and load generators inherit, from getrlimit(2).
pub fn descriptor_limit() -> Option<u64> {
    nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .ok()
        .map(|(soft, _)| soft)
}

/// Experiment 3.
pub struct Idle;

/// The backends, each with the servers that can stand for it, preferred
/// first: the reactor changes nothing but the backend; the book's servers
/// are the fallback.
const BACKENDS: [(&str, [&str; 2]); 3] = [
    ("select", ["tcpservreactor01 select", "tcpservselect01"]),
    ("poll", ["tcpservreactor01 poll", "tcpservpoll01"]),
    ("epoll", ["tcpservreactor01 epoll", "tcpservepoll01"]),
];

pub struct Point {
    pub backend: &'static str,
    pub server: &'static EchoServer,
    pub idle: usize,
    pub repeat: usize,
}

impl super::Point for Point {
    fn label(&self) -> String {
        format!(
            "idle: {} with {} idle connections, repeat {}",
            self.server.name,
            self.idle,
            self.repeat + 1
        )
    }

    fn subject(&self) -> String {
        self.server.name.to_owned()
    }

    fn cost(&self, cfg: &Config) -> f64 {
        (cfg.warmup + cfg.measure + cfg.idle_window).as_secs_f64() + 0.3 + self.idle as f64 * 0.0002
    }

    fn run(&self, lab: &mut Lab) -> Result<()> {
        let m = lab.measure_echo(self.server, 1, self.idle, None)?;
        let (name, idle, r) = (self.server.name, self.idle as u64, self.repeat);
        for (metric, value) in [
            ("p50_us", m.run.latency.p50_us),
            ("p99_us", m.run.latency.p99_us),
            ("rt_per_s", m.run.per_second()),
            (
                "cpu_us_per_rt",
                1e6 * m.server_cpu / m.run.round_trips.max(1) as f64,
            ),
            ("other_cpu_pct", m.other_cpu_pct),
            ("attempts", m.attempts as f64),
        ] {
            lab.results.add(EXP, name, idle, r, metric, value);
        }
        Ok(())
    }
}

fn by_name(name: &str) -> Option<&'static EchoServer> {
    SERVERS.iter().find(|s| s.name == name)
}

impl Experiment for Idle {
    fn name(&self) -> &'static str {
        EXP
    }

    fn about(&self) -> &'static str {
        "one busy connection among many idle ones, on select, poll and epoll"
    }

    fn needs_loadgen(&self) -> bool {
        true
    }

    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
        plan(lab)
    }

    fn section(&self, lab: &Lab) -> Section {
        section(lab)
    }

    fn targets(&self, lab: &Lab) -> Vec<Target> {
        vec![flat_target(lab)]
    }

    fn summary(&self, lab: &Lab) -> Option<String> {
        summary(lab)
    }
}

fn plan(lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
    let mut chosen = Vec::new();
    for (backend, candidates) in BACKENDS {
        // `--servers epoll` picks the backend; `--servers tcpservepoll01` one server.
        let wanted: Vec<&str> = match lab.cfg.wants(backend) {
            true => candidates.to_vec(),
            false => candidates
                .into_iter()
                .filter(|c| lab.cfg.wants(c))
                .collect(),
        };
        if wanted.is_empty() {
            continue;
        }
        let found = wanted
            .iter()
            .filter_map(|c| by_name(c))
            .find(|s| lab.binary(s.binary).is_some());
        match found {
            Some(server) => chosen.push((backend, server)),
            None => lab.results.note(
                EXP,
                backend,
                format!(
                    "skipped: neither {} nor {} is built",
                    candidates[0], candidates[1]
                ),
            ),
        }
    }
    let limit = descriptor_limit();
    let mut points: Vec<Box<dyn super::Point>> = Vec::new();
    for repeat in 0..lab.cfg.repeats {
        for &(backend, server) in &chosen {
            for &idle in &lab.cfg.idle_conns {
                let needs = idle + SPARE_FDS;
                let refused = match limit {
                    _ if backend == "select" && needs > FD_SETSIZE => Some(format!(
                        "select(2) stops at FD_SETSIZE = {FD_SETSIZE} descriptors"
                    )),
                    Some(limit) if needs as u64 > limit => Some(format!(
                        "the descriptor limit (RLIMIT_NOFILE) here is {limit}"
                    )),
                    _ => None,
                };
                if let Some(why) = refused {
                    if repeat == 0 {
                        let text = format!("{idle} idle connections: not run, {why}");
                        lab.results.note(EXP, server.name, text);
                    }
                    continue;
                }
                points.push(Box::new(Point {
                    backend,
                    server,
                    idle,
                    repeat,
                }));
            }
        }
    }
    points
}

/// The server that stood for `backend` in this run, if it was measured.
fn measured(lab: &Lab, backend: &str) -> Option<&'static EchoServer> {
    let (_, candidates) = BACKENDS.iter().find(|(b, _)| *b == backend)?;
    candidates.iter().filter_map(|c| by_name(c)).find(|s| {
        lab.results
            .samples
            .iter()
            .any(|x| x.experiment == EXP && x.subject == s.name)
    })
}

/// epoll's p50 flat within [`FLAT`] from [`FLAT_FROM`] to [`FLAT_TO`] idle
/// connections: the largest median at the measured counts between them at
/// most `1 + FLAT` times the smallest.
fn flat_target(lab: &Lab) -> Target {
    let goal = format!(
        "epoll's p50 round trip flat within {:.0}% from {FLAT_FROM} to {FLAT_TO} idle connections",
        FLAT * 100.0
    );
    let server = measured(lab, "epoll");
    let p50s: Vec<(u64, f64)> = server.map_or_else(Vec::new, |s| {
        lab.cfg
            .idle_conns
            .iter()
            .map(|&i| i as u64)
            .filter(|i| (FLAT_FROM..=FLAT_TO).contains(i))
            .filter_map(|i| Some((i, lab.results.median(EXP, s.name, i, "p50_us")?)))
            .collect()
    });
    let spans = p50s.iter().any(|p| p.0 == FLAT_FROM) && p50s.iter().any(|p| p.0 == FLAT_TO);
    let (Some(server), true) = (server, spans) else {
        return Target {
            goal,
            figures: NOT_MEASURED.into(),
            verdict: Verdict::NotMeasured,
        };
    };
    let lo = p50s.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    let hi = p50s.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    Target {
        goal,
        figures: format!(
            "{}: p50 {} µs at {}; largest / smallest = {:.2}",
            server.name,
            p50s.iter()
                .map(|(_, p)| micros(*p))
                .collect::<Vec<_>>()
                .join(" / "),
            p50s.iter()
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>()
                .join(" / "),
            hi / lo
        ),
        verdict: Verdict::of(Some(hi <= lo * (1.0 + FLAT))),
    }
}

/// The README's part: the latency chart and p50 by backend and idle count.
fn summary(lab: &Lab) -> Option<String> {
    let counts: Vec<u64> = lab.cfg.idle_conns.iter().map(|&i| i as u64).collect();
    let mut headers = vec!["idle connections".to_string()];
    headers.extend(counts.iter().map(u64::to_string));
    let mut t = Table::new(&headers.iter().map(String::as_str).collect::<Vec<_>>());
    for (backend, _) in BACKENDS {
        let Some(server) = measured(lab, backend) else {
            continue;
        };
        let mut row = vec![format!("{backend} ({}), p50 µs", server.name)];
        for &i in &counts {
            row.push(
                lab.results
                    .median(EXP, server.name, i, "p50_us")
                    .map_or("–".into(), micros),
            );
        }
        t.row(row);
    }
    if t.is_empty() {
        return None;
    }
    Some(format!(
        "![p50 round trip of one connection among N idle ones]({LATENCY_CHART})\n\n\
         One busy connection among N idle ones, medians of {} (– : not run, see the report):\n\n{}",
        lab.cfg.repeats_text(),
        t.markdown()
    ))
}

const LATENCY_CHART: &str = "idle-latency.svg";

fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let mut md = String::from(
        "## 3. Cost as connections grow: one busy connection among many idle ones\n\n",
    );
    let _ = writeln!(
        md,
        "One connection does round trips ({} ms measured, {}) while N others, each proven \
         with one round trip, stay open and silent. The server and the load generator are separate \
         processes, so each holds its own N + 1 descriptors under the descriptor limit, {} here \
         (RLIMIT_NOFILE, read with getrlimit(2)). select stops at FD_SETSIZE = {FD_SETSIZE}.\n",
        lab.cfg.measure.as_millis(),
        lab.cfg.repeats_text(),
        descriptor_limit().map_or("unknown".to_string(), |l| l.to_string()),
    );
    let mut t = Table::new(&[
        "backend",
        "server",
        "idle connections",
        "p50 µs",
        "p99 µs",
        "round trips/s",
        "server CPU µs per round trip",
    ]);
    let mut latency = Vec::new();
    let mut cpu = Vec::new();
    for (backend, candidates) in BACKENDS {
        for server in candidates.iter().filter_map(|c| by_name(c)) {
            let spread = |idle: u64, metric: &str| r.spread(EXP, server.name, idle, metric);
            let counts: Vec<u64> = lab
                .cfg
                .idle_conns
                .iter()
                .map(|&i| i as u64)
                .filter(|&i| spread(i, "p50_us").is_some())
                .collect();
            if counts.is_empty() {
                continue;
            }
            for &i in &counts {
                t.row(vec![
                    backend.into(),
                    server.name.into(),
                    i.to_string(),
                    show(spread(i, "p50_us"), micros),
                    show(spread(i, "p99_us"), micros),
                    show(spread(i, "rt_per_s"), num),
                    show(spread(i, "cpu_us_per_rt"), micros),
                ]);
            }
            let name = format!("{backend} ({})", server.binary);
            let counts: Vec<usize> = counts.iter().map(|&i| i as usize).collect();
            latency.push(Series::of(&name, &counts, |i| spread(i, "p50_us")));
            cpu.push(Series::of(&name, &counts, |i| spread(i, "cpu_us_per_rt")));
        }
    }
    md += &super::disturbance(r, EXP);
    md += "\n";
    md += &t.markdown();
    let charts = vec![
        Chart {
            file: LATENCY_CHART.into(),
            title: "Latency of one connection among N idle ones".into(),
            svg: line_chart(
                "p50 round trip of one active connection among N idle ones (bars: min–max of the repeats)",
                "idle connections",
                "p50 latency (µs)",
                &latency,
                true,
                true,
            ),
        },
        Chart {
            file: "idle-cpu.svg".into(),
            title: "Server CPU per round trip among N idle connections".into(),
            svg: line_chart(
                "Server CPU per round trip among N idle connections",
                "idle connections",
                "server CPU per round trip (µs)",
                &cpu,
                true,
                true,
            ),
        },
    ];
    Section {
        markdown: md,
        charts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_backend_names_known_servers() {
        for (_, candidates) in BACKENDS {
            for c in candidates {
                assert!(by_name(c).is_some(), "{c}");
            }
        }
    }
}
