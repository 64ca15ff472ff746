//! Experiment 3: what idle connections cost. One connection does round
//! trips while 10, 100, 1000 and 10000 others sit open and silent; select
//! and poll hand the kernel every descriptor on every call, epoll only the
//! ready ones, so the one connection's latency tells them apart.

use std::fmt::Write as _;

use anyhow::Result;

use super::echo::{micros, EchoServer, SERVERS};
use super::{Lab, Step};
use crate::config::Config;
use crate::report::{num, show, Chart, Section, Table};
use crate::svg::{line_chart, Series};

const EXP: &str = "idle";

/// select(2) cannot watch a descriptor at or above FD_SETSIZE.
const FD_SETSIZE: usize = 1024;

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

impl Point {
    pub fn label(&self) -> String {
        format!(
            "idle: {} with {} idle connections, repeat {}",
            self.server.name,
            self.idle,
            self.repeat + 1
        )
    }

    pub fn subject(&self) -> String {
        self.server.name.to_owned()
    }

    pub fn cost(&self, cfg: &Config) -> f64 {
        (cfg.warmup + cfg.measure + cfg.idle_window).as_secs_f64() + 0.3 + self.idle as f64 * 0.0002
    }
}

fn by_name(name: &str) -> Option<&'static EchoServer> {
    SERVERS.iter().find(|s| s.name == name)
}

pub fn plan(lab: &mut Lab) -> Vec<Step> {
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
    let mut steps = Vec::new();
    for repeat in 0..lab.cfg.repeats {
        for &(backend, server) in &chosen {
            for &idle in &lab.cfg.idle_conns {
                // The idle ones, the active one, the listener, stdio and slack.
                if backend == "select" && idle + 8 > FD_SETSIZE {
                    if repeat == 0 {
                        lab.results.note(
                            EXP,
                            server.name,
                            format!("{idle} idle connections: not run, select(2) stops at FD_SETSIZE = {FD_SETSIZE} descriptors"),
                        );
                    }
                    continue;
                }
                steps.push(Step::Idle(Point {
                    backend,
                    server,
                    idle,
                    repeat,
                }));
            }
        }
    }
    steps
}

pub fn run(lab: &mut Lab, p: &Point) -> Result<()> {
    let m = lab.measure_echo(p.server, 1, p.idle)?;
    let (name, idle, r) = (p.server.name, p.idle as u64, p.repeat);
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

pub fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let mut md = String::from(
        "## 3. Cost as connections grow: one busy connection among many idle ones\n\n",
    );
    let _ = writeln!(
        md,
        "One connection does round trips ({} ms measured, {} repeats) while N others, each proven \
         with one round trip, stay open and silent. The server and the load generator are separate \
         processes, so each holds its own N + 1 descriptors under the 20000 limit. select stops at \
         FD_SETSIZE.\n",
        lab.cfg.measure.as_millis(),
        lab.cfg.repeats
    );
    let mut t = Table::new(&[
        "backend",
        "server",
        "idle conns",
        "p50 µs",
        "p99 µs",
        "round trips/s",
        "CPU/rt µs",
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
            let points = |metric: &str| -> Vec<(f64, f64)> {
                counts
                    .iter()
                    .filter_map(|&i| Some((i as f64, spread(i, metric)?.median)))
                    .collect()
            };
            let name = format!("{backend} ({})", server.binary);
            latency.push(Series {
                name: name.clone(),
                points: points("p50_us"),
            });
            cpu.push(Series {
                name,
                points: points("cpu_us_per_rt"),
            });
        }
    }
    md += &super::disturbance(r, EXP);
    md += "\n";
    md += &t.markdown();
    let charts = vec![
        Chart {
            file: "idle-latency.svg".into(),
            title: "Latency of one connection among N idle ones".into(),
            svg: line_chart(
                "p50 round trip of one active connection among N idle ones",
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
