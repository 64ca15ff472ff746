//! Experiment 4: Figure 30.1 for this machine. The chapter 30 `client`
//! (children × connections × bytes, as in §30.3) against every server
//! design, old and new; the CPU time each server spends, and its "process
//! control" CPU time: the part above the iterative server `serv00`, which
//! does no process control at all.

use std::fmt::Write as _;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::{Experiment, Lab};
use crate::config::Config;
use crate::procfs::group_cpu;
use crate::report::{num, show, Chart, Section, Table, Target, Verdict, NOT_MEASURED};
use crate::spawn::Spawned;
use crate::stats::Spread;
use crate::svg::bar_chart;

const EXP: &str = "fig30";

/// The chapter 30 client.
pub const CLIENT: &str = "client";

/// A server design of chapter 30, or a modern one.
#[derive(Debug)]
pub struct Design {
    pub binary: &'static str,
    /// The row of Figure 30.1, for the book's designs.
    pub row: Option<u8>,
    pub design: &'static str,
    /// Its arguments: `[ <host> ] <port#>`, then the pool size where it
    /// takes one (`<#children>` or `<#threads>`).
    pub pool: Pool,
}

/// Whether a design takes a pool size, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// `<host> <port#>` only.
    None,
    /// The book's pool (Figure 30.1: 15 children or threads).
    Book,
    /// One thread or process per CPU it may run on: one, pinned.
    PerCpu,
}

const fn design(binary: &'static str, row: Option<u8>, pool: Pool, design: &'static str) -> Design {
    Design {
        binary,
        row,
        design,
        pool,
    }
}

const fn modern(binary: &'static str, pool: Pool, design: &'static str) -> Design {
    Design {
        binary,
        row: None,
        design,
        pool,
    }
}

impl Design {
    /// The command line: host, port, and the pool size where it takes one.
    pub fn args(&self, port: u16, book_pool: usize) -> Vec<String> {
        let mut args = vec!["127.0.0.1".to_string(), port.to_string()];
        match self.pool {
            Pool::None => {}
            Pool::Book => args.push(book_pool.to_string()),
            Pool::PerCpu => args.push("1".into()),
        }
        args
    }
}

pub const DESIGNS: [Design; 18] = [
    design(
        "serv00",
        Some(0),
        Pool::None,
        "iterative (baseline, no process control)",
    ),
    design("serv01", Some(1), Pool::None, "fork per client"),
    design(
        "serv02",
        Some(2),
        Pool::Book,
        "prefork, every child calls accept",
    ),
    design(
        "serv02l",
        None,
        Pool::Book,
        "prefork, children select then accept",
    ),
    design(
        "serv02m",
        None,
        Pool::Book,
        "serv02 with per-child counters",
    ),
    design(
        "serv03",
        Some(3),
        Pool::Book,
        "prefork, file lock around accept",
    ),
    design(
        "serv03m",
        None,
        Pool::Book,
        "serv03 with per-child counters",
    ),
    design(
        "serv04",
        Some(4),
        Pool::Book,
        "prefork, process-shared mutex around accept",
    ),
    design(
        "serv05",
        Some(5),
        Pool::Book,
        "prefork, parent passes the descriptor",
    ),
    design("serv06", Some(6), Pool::None, "thread per client"),
    design(
        "serv07",
        Some(7),
        Pool::Book,
        "prethreaded, mutex around accept",
    ),
    design(
        "serv08",
        Some(8),
        Pool::Book,
        "prethreaded, main thread accepts",
    ),
    design(
        "serv09",
        None,
        Pool::Book,
        "prethreaded, accept with no lock",
    ),
    modern(
        "serv10",
        Pool::None,
        "reactor: one epoll loop (not in the book)",
    ),
    modern(
        "serv11",
        Pool::PerCpu,
        "reactor and worker threads (not in the book)",
    ),
    modern(
        "serv12",
        Pool::PerCpu,
        "event loop per thread (not in the book)",
    ),
    modern(
        "serv13",
        Pool::PerCpu,
        "SO_REUSEPORT processes (not in the book)",
    ),
    modern("serv14", Pool::None, "one io_uring loop (not in the book)"),
];

/// Experiment 4.
pub struct Fig30;

/// The modern design the target holds to [`BASELINE_MODERN`]'s CPU.
const URING_DESIGN: &str = "serv14";
const BASELINE_MODERN: &str = "serv10";

impl Experiment for Fig30 {
    fn name(&self) -> &'static str {
        EXP
    }

    fn about(&self) -> &'static str {
        "Figure 30.1: CPU time of every chapter 30 server design under the book's client"
    }

    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
        if lab.binary(CLIENT).is_none() {
            lab.results
                .note(EXP, CLIENT, "skipped: the chapter 30 client is not built");
            return Vec::new();
        }
        let designs: Vec<&'static Design> = DESIGNS
            .iter()
            .filter(|d| lab.available(EXP, d.binary, d.binary))
            .collect();
        let mut points: Vec<Box<dyn super::Point>> = Vec::new();
        for repeat in 0..lab.cfg.repeats {
            for &design in &designs {
                points.push(Box::new(Point { design, repeat }));
            }
        }
        points
    }

    fn section(&self, lab: &Lab) -> Section {
        section(lab)
    }

    /// serv14 at or below serv10 in Figure 30.1's CPU.
    fn targets(&self, lab: &Lab) -> Vec<Target> {
        let cpu = |name: &str| lab.results.median(EXP, name, 0, "cpu_s");
        let (u, e) = (cpu(URING_DESIGN), cpu(BASELINE_MODERN));
        vec![Target {
            goal: format!(
                "{URING_DESIGN} ≤ {BASELINE_MODERN} in server CPU time under the chapter 30 client (Figure 30.1's measure)"
            ),
            figures: match (u, e) {
                (Some(u), Some(e)) => format!(
                    "{URING_DESIGN}: {:.1} ms vs {BASELINE_MODERN}: {:.1} ms of CPU = {:.2}×",
                    u * 1e3,
                    e * 1e3,
                    u / e
                ),
                _ => NOT_MEASURED.into(),
            },
            verdict: Verdict::of(u.zip(e).map(|(u, e)| u <= e)),
        }]
    }

    fn summary(&self, lab: &Lab) -> Option<String> {
        let order = book_order(lab)?;
        Some(format!(
            "Figure 30.1 for this machine: the book's rows by process control CPU, cheapest first: {order}. \
             The book's findings, checked on this run:\n\n{}",
            book_claims(&|row| pc_of_row(lab, row)).markdown()
        ))
    }
}

pub struct Point {
    pub design: &'static Design,
    pub repeat: usize,
}

impl super::Point for Point {
    fn label(&self) -> String {
        format!("fig30: {}, repeat {}", self.design.binary, self.repeat + 1)
    }

    fn subject(&self) -> String {
        self.design.binary.to_owned()
    }

    fn cost(&self, cfg: &Config) -> f64 {
        0.5 + (cfg.client_children * cfg.client_loops) as f64 * 0.0004
    }

    fn run(&self, lab: &mut Lab) -> Result<()> {
        run(lab, self)
    }
}

/// The `user time = U, sys time = S` line the servers print on SIGINT, as
/// U + S seconds.
pub fn reported_cpu(lines: &[String]) -> Option<f64> {
    lines.iter().find_map(|line| {
        let rest = line.trim().strip_prefix("user time = ")?;
        let (user, sys) = rest.split_once(", sys time = ")?;
        Some(user.trim().parse::<f64>().ok()? + sys.trim().parse::<f64>().ok()?)
    })
}

fn run(lab: &mut Lab, p: &Point) -> Result<()> {
    let cfg = &lab.cfg;
    let port = unp_tests::free_port();
    let args = p.design.args(port, cfg.design_pool);
    let server = lab.start_server(p.design.binary, &args, port)?;
    // Let a pool finish starting: its children are not part of the work.
    thread::sleep(Duration::from_millis(200));
    let pgid = server.pid();
    let cpu0 = group_cpu(pgid);
    let start = Instant::now();
    let client_args: Vec<String> = [
        "127.0.0.1".to_string(),
        port.to_string(),
        cfg.client_children.to_string(),
        cfg.client_loops.to_string(),
        cfg.client_bytes.to_string(),
    ]
    .into();
    let connections = (cfg.client_children * cfg.client_loops) as f64;
    let mut client = Spawned::start(
        &lab.bin_dir.join(CLIENT),
        &client_args,
        Stdio::null(),
        Some(cfg.load_cpu),
    )?;
    let status =
        client.wait_exit(Duration::from_secs(60) + Duration::from_secs_f64(connections * 0.05))?;
    let wall = start.elapsed().as_secs_f64();
    if !status.success() {
        bail!("client {status}: {:?}", client.stderr());
    }
    // The last children of a fork-per-client server are being reaped.
    thread::sleep(Duration::from_millis(100));
    let proc_cpu = group_cpu(pgid).saturating_sub(cpu0).as_secs_f64();
    let lines = server.interrupt(Duration::from_secs(5));
    let (name, r) = (p.design.binary, p.repeat);
    // The server's own getrusage is the book's measure, and exact for
    // threads that have exited, which /proc counts only in 10 ms ticks.
    let total = match reported_cpu(&lines) {
        Some(reported) => reported,
        None => {
            let text = "printed no `user time = U, sys time = S` line on SIGINT: its CPU time is the /proc figure";
            lab.results.note(EXP, name, text);
            proc_cpu
        }
    };
    for (metric, value) in [
        ("cpu_s", total),
        ("proc_cpu_s", proc_cpu),
        ("cpu_us_per_conn", 1e6 * total / connections),
        ("client_wall_s", wall),
        ("conns_per_s", connections / wall),
    ] {
        lab.results.add(EXP, name, 0, r, metric, value);
    }
    Ok(())
}

/// Process control CPU seconds of the design at `row` of Figure 30.1: its
/// median CPU minus `serv00`'s.
fn pc_of_row(lab: &Lab, row: u8) -> Option<f64> {
    let med = |name: &str| lab.results.median(EXP, name, 0, "cpu_s");
    let d = DESIGNS.iter().find(|d| d.row == Some(row))?;
    Some(med(d.binary)? - med("serv00")?)
}

/// The book's rows 1–8 measured in this run, cheapest process control
/// first, as `8 < 7 < ...`; `None` when none was.
fn book_order(lab: &Lab) -> Option<String> {
    let mut order: Vec<(u8, f64)> = (1..=8)
        .filter_map(|row| Some((row, pc_of_row(lab, row)?)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    (!order.is_empty()).then(|| {
        order
            .iter()
            .map(|(row, _)| row.to_string())
            .collect::<Vec<_>>()
            .join(" < ")
    })
}

/// The book's findings about Figure 30.1 (§30.13), each checked against
/// this run's process control times by book row.
fn book_claims(pc: &dyn Fn(u8) -> Option<f64>) -> Table {
    let rows = |rows: &[u8]| -> Option<Vec<f64>> { rows.iter().map(|&r| pc(r)).collect() };
    let max = |v: &[f64]| v.iter().copied().fold(f64::MIN, f64::max);
    let min = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
    // Every row of `low` below every row of `high`.
    let below = |low: &[u8], high: &[u8]| Some(max(&rows(low)?) < min(&rows(high)?));
    let fork = pc(1);
    let claims: [(&str, Option<bool>); 5] = [
        (
            "one fork per client (row 1) costs the most process control CPU of rows 1–8",
            below(&[2, 3, 4, 5, 6, 7, 8], &[1]),
        ),
        (
            "a pool of children or threads (rows 2–5, 7, 8) cuts it by a factor of 10 or more",
            rows(&[2, 3, 4, 5, 7, 8]).zip(fork).map(|(v, f)| max(&v) * 10.0 <= f),
        ),
        (
            "a thread per client (row 6) is cheaper than a fork per client (row 1)",
            below(&[6], &[1]),
        ),
        (
            "all children or threads calling accept (rows 2–4, 7) beats passing the descriptor (rows 5, 8)",
            below(&[2, 3, 4, 7], &[5, 8]),
        ),
        (
            "threads are faster than processes (row 7 below rows 3 and 4)",
            below(&[7], &[3, 4]),
        ),
    ];
    let mut t = Table::new(&["the book (§30.13)", "on this run"]);
    for (claim, ok) in claims {
        t.row(vec![claim.into(), Verdict::of(ok).to_string()]);
    }
    t
}

fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let cfg = &lab.cfg;
    let med = |name: &str, metric: &str| r.median(EXP, name, 0, metric);
    let baseline = med("serv00", "cpu_s");
    let mut md = String::from("## 4. Figure 30.1 for this machine: chapter 30 server designs\n\n");
    let _ = writeln!(
        md,
        "`client 127.0.0.1 <port> {} {} {}`: {} children, {} connections each, {} bytes per request \
         (the book: two clients at once, each of 5 children × 500 connections × 4000 bytes). Servers that take a pool size get {} \
         children or threads, as the book's did; the modern ones one per CPU they may use (1, pinned). \
         *CPU* is what the server prints on SIGINT, as in the book: getrusage of itself and the children \
         it waited for, over its whole life. *Process control* is that minus `serv00`'s, the book's \
         measure. */proc* is the CPU time of the server's process group while the client ran, read \
         from /proc (threads that have exited count only in {} ms ticks there). {}, \
         `median (min–max)`.\n",
        cfg.client_children,
        cfg.client_loops,
        cfg.client_bytes,
        cfg.client_children,
        cfg.client_loops,
        cfg.client_bytes,
        cfg.design_pool,
        num(1e3 / crate::procfs::ticks_per_second() as f64),
        cfg.repeats_text()
    );
    let ms = |v: f64| format!("{:.1}", v * 1000.0);
    let mut t = Table::new(&[
        "row",
        "server",
        "design",
        "CPU ms",
        "process control ms",
        "CPU µs/conn",
        "/proc ms",
        "client s",
        "conns/s",
    ]);
    let mut bars = Vec::new();
    for d in DESIGNS.iter() {
        let Some(cpu) = r.spread(EXP, d.binary, 0, "cpu_s") else {
            continue;
        };
        let pc = baseline.map(|b| cpu.median - b);
        if let Some(pc) = pc {
            let ms = |v: f64| (v - (cpu.median - pc)) * 1000.0;
            let range = Spread {
                median: ms(cpu.median),
                min: ms(cpu.min),
                max: ms(cpu.max),
                n: cpu.n,
            };
            bars.push((d.binary.to_string(), range));
        }
        t.row(vec![
            d.row.map_or("–".into(), |r| r.to_string()),
            d.binary.into(),
            d.design.into(),
            show(Some(cpu), ms),
            pc.map_or("–".into(), ms),
            med(d.binary, "cpu_us_per_conn").map_or("–".into(), |v| format!("{v:.0}")),
            med(d.binary, "proc_cpu_s").map_or("–".into(), ms),
            med(d.binary, "client_wall_s").map_or("–".into(), |v| format!("{v:.2}")),
            med(d.binary, "conns_per_s").map_or("–".into(), |v| format!("{v:.0}")),
        ]);
    }
    md += &t.markdown();
    let _ = writeln!(
        md,
        "\nThe book's rows by process control CPU on this machine, cheapest first: {}.\n",
        book_order(lab).unwrap_or_else(|| NOT_MEASURED.into())
    );
    md += &book_claims(&|row| pc_of_row(lab, row)).markdown();
    let charts = vec![Chart {
        file: "fig30-process-control.svg".into(),
        title: "Process control CPU time of each server design (Figure 30.1)".into(),
        svg: bar_chart(
            "Process control CPU time: server CPU minus serv00's median (median, line: min–max)",
            "milliseconds",
            &bars,
            Some("serv00"),
        ),
    }];
    Section {
        markdown: md,
        charts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_come_from_the_design_table() {
        let of = |name: &str| DESIGNS.iter().find(|d| d.binary == name).unwrap();
        assert_eq!(of("serv00").args(9999, 15), ["127.0.0.1", "9999"]);
        assert_eq!(of("serv02").args(9999, 15), ["127.0.0.1", "9999", "15"]);
        assert_eq!(of("serv12").args(9999, 15), ["127.0.0.1", "9999", "1"]);
        assert_eq!(of("serv14").args(9999, 15), ["127.0.0.1", "9999"]);
    }

    #[test]
    fn sigint_line_is_read() {
        let lines = vec![
            "child 1 starting".to_string(),
            "".into(),
            "user time = 0.25, sys time = 1.5".into(),
        ];
        assert_eq!(reported_cpu(&lines), Some(1.75));
        assert_eq!(reported_cpu(&["user time = x".to_string()]), None);
    }

    #[test]
    fn book_claims_are_checked_by_row() {
        // Rows 0..8 shaped like the book: fork per client far above the rest.
        let pc = |row: u8| Some([0.0, 20.0, 1.0, 1.5, 1.2, 2.0, 5.0, 0.8, 1.9][row as usize]);
        let md = book_claims(&pc).markdown();
        assert_eq!(md.matches("| met").count(), 5, "{md}");
        let none = |_: u8| None;
        assert_eq!(
            book_claims(&none).markdown().matches(NOT_MEASURED).count(),
            5
        );
    }

    #[test]
    fn accept_beats_passing_only_when_every_accept_row_is_below_both_passing_rows() {
        // Rows 2–4 and 7 below row 5 but row 4 above row 8: not met.
        let pc = |row: u8| Some([0.0, 20.0, 1.0, 1.5, 1.95, 2.0, 5.0, 0.8, 1.9][row as usize]);
        let md = book_claims(&pc).markdown();
        let line = md.lines().find(|l| l.contains("calling accept")).unwrap();
        assert!(line.contains("| not met"), "{line}");
    }
}
