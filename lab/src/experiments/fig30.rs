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

use super::{Lab, Step};
use crate::config::{Config, Experiment};
use crate::procfs::group_cpu;
use crate::report::{show, Chart, Section, Table};
use crate::spawn::Spawned;
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
    /// A modern design sizes its pool by CPUs (one thread or process per
    /// CPU it may run on: one, pinned); the book's get the book's pool.
    pub per_cpu: bool,
}

const fn design(binary: &'static str, row: Option<u8>, design: &'static str) -> Design {
    Design {
        binary,
        row,
        design,
        per_cpu: false,
    }
}

const fn modern(binary: &'static str, design: &'static str) -> Design {
    Design {
        binary,
        row: None,
        design,
        per_cpu: true,
    }
}

pub const DESIGNS: [Design; 18] = [
    design(
        "serv00",
        Some(0),
        "iterative (baseline, no process control)",
    ),
    design("serv01", Some(1), "fork per client"),
    design("serv02", Some(2), "prefork, every child calls accept"),
    design("serv02l", None, "prefork, children select then accept"),
    design("serv02m", None, "serv02 with per-child counters"),
    design("serv03", Some(3), "prefork, file lock around accept"),
    design("serv03m", None, "serv03 with per-child counters"),
    design(
        "serv04",
        Some(4),
        "prefork, process-shared mutex around accept",
    ),
    design("serv05", Some(5), "prefork, parent passes the descriptor"),
    design("serv06", Some(6), "thread per client"),
    design("serv07", Some(7), "prethreaded, mutex around accept"),
    design("serv08", Some(8), "prethreaded, main thread accepts"),
    design("serv09", None, "prethreaded, accept with no lock"),
    modern("serv10", "reactor: one epoll loop (not in the book)"),
    modern("serv11", "reactor and worker threads (not in the book)"),
    modern("serv12", "event loop per thread (not in the book)"),
    modern("serv13", "SO_REUSEPORT processes (not in the book)"),
    modern("serv14", "one io_uring loop (not in the book)"),
];

/// What goes where in a server's command line, read from its usage line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Host,
    Port,
    /// `#children`, `#threads`, or any other count.
    Count,
}

/// The arguments a usage line such as `usage: serv02 [ <host> ] <port#>
/// <#children>` asks for, or `None` when it has no port.
pub fn parse_usage(usage: &str) -> Option<Vec<Slot>> {
    let line = usage
        .lines()
        .find_map(|l| l.trim().strip_prefix("usage:"))?;
    let spaced = line.replace(['[', ']'], " ");
    let slots: Vec<Slot> = spaced
        .split_whitespace()
        .skip(1)
        .filter_map(|token| match token {
            t if t.contains("host") => Some(Slot::Host),
            t if t.contains("port") => Some(Slot::Port),
            t if t.starts_with('<') => Some(Slot::Count),
            _ => None,
        })
        .collect();
    (slots.iter().filter(|s| **s == Slot::Port).count() == 1).then_some(slots)
}

/// The server's arguments, from its own usage line: it is run once with
/// none, and must print the usage and exit.
fn probe(lab: &Lab, binary: &str) -> Result<Vec<Slot>> {
    let path = lab.bin_dir.join(binary);
    let mut proc = Spawned::start(&path, &[], Stdio::null(), None)?;
    proc.wait_exit(Duration::from_secs(5))?;
    thread::sleep(Duration::from_millis(20));
    let usage = proc.stderr();
    match parse_usage(&usage) {
        Some(slots) => Ok(slots),
        None => bail!("{binary} without arguments printed no usage line with a port: {usage:?}"),
    }
}

pub struct Point {
    pub design: &'static Design,
    pub slots: Vec<Slot>,
    pub repeat: usize,
}

impl Point {
    pub fn label(&self) -> String {
        format!("fig30: {}, repeat {}", self.design.binary, self.repeat + 1)
    }

    pub fn subject(&self) -> String {
        self.design.binary.to_owned()
    }

    pub fn cost(&self, cfg: &Config) -> f64 {
        0.5 + (cfg.client_children * cfg.client_loops) as f64 * 0.0004
    }
}

pub fn plan(lab: &mut Lab) -> Vec<Step> {
    if lab.binary(CLIENT).is_none() {
        lab.results
            .note(EXP, CLIENT, "skipped: the chapter 30 client is not built");
        return Vec::new();
    }
    let mut designs = Vec::new();
    for d in DESIGNS.iter() {
        if !lab.available(Experiment::Fig30, d.binary, d.binary) {
            continue;
        }
        match probe(lab, d.binary) {
            Ok(slots) => designs.push((d, slots)),
            Err(e) => lab.results.note(EXP, d.binary, format!("skipped: {e:#}")),
        }
    }
    let mut steps = Vec::new();
    for repeat in 0..lab.cfg.repeats {
        for (design, slots) in &designs {
            steps.push(Step::Fig30(Point {
                design,
                slots: slots.clone(),
                repeat,
            }));
        }
    }
    steps
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

pub fn run(lab: &mut Lab, p: &Point) -> Result<()> {
    let cfg = &lab.cfg;
    let port = super::server_port()?;
    let args: Vec<String> = p
        .slots
        .iter()
        .map(|slot| match slot {
            Slot::Host => "127.0.0.1".to_string(),
            Slot::Port => port.to_string(),
            Slot::Count if p.design.per_cpu => "1".to_string(),
            Slot::Count => cfg.design_pool.to_string(),
        })
        .collect();
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

/// The book's findings about Figure 30.1 (§30.13), each checked against
/// this run's process control times by book row.
fn book_claims(pc: &dyn Fn(u8) -> Option<f64>) -> Table {
    let yes_no = |ok: Option<bool>| {
        match ok {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not measured",
        }
        .to_string()
    };
    let all = |rows: &[u8]| -> Option<Vec<f64>> { rows.iter().map(|&r| pc(r)).collect() };
    let mut t = Table::new(&["the book (§30.13)", "holds here?"]);
    t.row(vec![
        "one fork per client (row 1) costs the most process control CPU of rows 1–8".into(),
        yes_no(all(&[1, 2, 3, 4, 5, 6, 7, 8]).map(|v| v.iter().all(|x| *x <= v[0]))),
    ]);
    t.row(vec![
        "a pool of children or threads (rows 2–5, 7, 8) cuts it by a factor of 10 or more".into(),
        yes_no(all(&[1, 2, 3, 4, 5, 7, 8]).map(|v| v[1..].iter().all(|x| *x * 10.0 <= v[0]))),
    ]);
    t.row(vec![
        "a thread per client (row 6) is cheaper than a fork per client (row 1)".into(),
        yes_no(all(&[1, 6]).map(|v| v[1] < v[0])),
    ]);
    t.row(vec![
        "all children or threads calling accept (rows 2–4, 7) beats passing the descriptor (rows 5, 8)".into(),
        yes_no(all(&[2, 3, 4, 5, 7, 8]).map(|v| v[..3].iter().cloned().fold(f64::MAX, f64::min) < v[3] && v[4] < v[5])),
    ]);
    t.row(vec![
        "threads are faster than processes (row 7 below rows 3 and 4)".into(),
        yes_no(all(&[3, 4, 7]).map(|v| v[2] < v[0] && v[2] < v[1])),
    ]);
    t
}

pub fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let cfg = &lab.cfg;
    let med = |name: &str, metric: &str| r.median(EXP, name, 0, metric);
    let baseline = med("serv00", "cpu_s");
    let mut md = String::from("## 4. Figure 30.1 for this machine: chapter 30 server designs\n\n");
    let _ = writeln!(
        md,
        "`client 127.0.0.1 <port> {} {} {}`: {} children, {} connections each, {} bytes per request \
         (the book: 5 children × 1000 connections × 4000 bytes). Servers that take a pool size get {} \
         children or threads, as the book's did; the modern ones one per CPU they may use (1, pinned). \
         *CPU* is what the server prints on SIGINT, as in the book: getrusage of itself and the children \
         it waited for, over its whole life. *Process control* is that minus `serv00`'s, the book's \
         measure. */proc* is the CPU time of the server's process group while the client ran, read \
         from /proc (threads that have exited count only in 10 ms ticks there). {} repeats, \
         `median (min–max)`.\n",
        cfg.client_children,
        cfg.client_loops,
        cfg.client_bytes,
        cfg.client_children,
        cfg.client_loops,
        cfg.client_bytes,
        cfg.design_pool,
        cfg.repeats
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
            bars.push((d.binary.to_string(), pc * 1000.0));
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
    let pc_of_row = |row: u8| -> Option<f64> {
        let d = DESIGNS.iter().find(|d| d.row == Some(row))?;
        Some(med(d.binary, "cpu_s")? - baseline?)
    };
    let mut order: Vec<(u8, f64)> = (1..=8)
        .filter_map(|row| Some((row, pc_of_row(row)?)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    let _ = writeln!(
        md,
        "\nThe book's rows by process control CPU on this machine, cheapest first: {}.\n",
        match order.is_empty() {
            true => "not measured".to_string(),
            false => order
                .iter()
                .map(|(row, _)| row.to_string())
                .collect::<Vec<_>>()
                .join(" < "),
        }
    );
    md += &book_claims(&pc_of_row).markdown();
    let charts = vec![Chart {
        file: "fig30-process-control.svg".into(),
        title: "Process control CPU time of each server design (Figure 30.1)".into(),
        svg: bar_chart(
            "Process control CPU time: server CPU minus serv00's (median)",
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
    fn usage_lines_give_the_arguments() {
        use Slot::*;
        assert_eq!(
            parse_usage("usage: serv00 [ <host> ] <port#>\n"),
            Some(vec![Host, Port])
        );
        assert_eq!(
            parse_usage("usage: serv02 [ <host> ] <port#> <#children>"),
            Some(vec![Host, Port, Count])
        );
        assert_eq!(
            parse_usage("usage: serv11 [<host>] <port#> <#threads> <#workers>"),
            Some(vec![Host, Port, Count, Count])
        );
        assert_eq!(parse_usage("usage: tcpserv04 [port]"), Some(vec![Port]));
        assert_eq!(
            parse_usage("usage: client <hostname or IPaddr> <port> <#children>"),
            Some(vec![Host, Port, Count])
        );
        assert_eq!(parse_usage("bind error: Address already in use"), None);
        assert_eq!(parse_usage("usage: x <a> <b>"), None);
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
        assert_eq!(md.matches("| yes").count(), 5, "{md}");
        let none = |_: u8| None;
        assert_eq!(
            book_claims(&none)
                .markdown()
                .matches("not measured")
                .count(),
            5
        );
    }
}
