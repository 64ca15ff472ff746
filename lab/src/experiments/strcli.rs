//! Experiment 5: chapter 16's str_cli timings. The same text file is
//! copied through the echo server `tcpserv04` by each version of str_cli,
//! over a delaying proxy that stands for the book's long path, and the wall
//! time of each is set beside the book's (§16.2).

use std::fmt::Write as _;
use std::fs::{self, File};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::{Experiment, Lab};
use crate::config::Config;
use crate::report::{num, show, significant, Chart, Section, Table};
use crate::spawn::Spawned;
use crate::svg::bar_chart;
use unp_tests::DelayProxy;

const EXP: &str = "strcli";

/// A version of str_cli, and the book's time for it.
#[derive(Debug)]
pub struct Version {
    pub binary: &'static str,
    pub design: &'static str,
    pub figure: &'static str,
    /// Seconds, §16.2 (2,000 lines over a long path).
    pub book_secs: f64,
}

const fn version(
    binary: &'static str,
    design: &'static str,
    figure: &'static str,
    book_secs: f64,
) -> Version {
    Version {
        binary,
        design,
        figure,
        book_secs,
    }
}

pub const VERSIONS: [Version; 5] = [
    version("tcpcli01", "stop-and-wait", "Fig 5.5", 354.0),
    version("tcpcli02", "select and blocking I/O", "Fig 6.13", 12.3),
    version("nonblock-tcpcli02", "nonblocking I/O", "Fig 16.3", 6.9),
    version("nonblock-tcpcli01", "fork", "Fig 16.10", 8.7),
    version("threads-tcpcli01", "threads", "Fig 26.2", 8.5),
];

/// The echo server of the chapter, and the stand-in when it is not built.
const SERVER: &str = "tcpserv04";
const STAND_IN: &str = "lab-tokio-echo";

/// The file every version copies; removed when the last point is done.
pub struct Input {
    pub path: PathBuf,
    pub len: usize,
}

/// Line `i` of the file.
fn line(i: usize) -> String {
    format!("{i:05} the quick brown fox jumps over the lazy dog, chapter 16 copy\n")
}

impl Input {
    /// `lines` lines of text.
    fn create(lines: usize) -> Result<Input> {
        let path = std::env::temp_dir().join(format!("lab-strcli-{}.txt", std::process::id()));
        let text: String = (1..=lines).map(line).collect();
        fs::write(&path, &text)?;
        Ok(Input {
            path,
            len: text.len(),
        })
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

pub struct Point {
    pub version: &'static Version,
    pub server: &'static str,
    pub input: Arc<Input>,
    pub repeat: usize,
}

impl super::Point for Point {
    fn label(&self) -> String {
        format!(
            "strcli: {}, repeat {}",
            self.version.binary,
            self.repeat + 1
        )
    }

    fn subject(&self) -> String {
        self.version.binary.to_owned()
    }

    fn run(&self, lab: &mut Lab) -> Result<()> {
        run(lab, self)
    }

    fn cost(&self, cfg: &Config) -> f64 {
        let rtt = cfg.strcli_rtt.as_secs_f64();
        match self.version.binary {
            "tcpcli01" => cfg.strcli_lines as f64 * rtt + 0.3,
            _ => 20.0 * rtt + 0.3,
        }
    }
}

/// Experiment 5.
pub struct StrCli;

impl Experiment for StrCli {
    fn name(&self) -> &'static str {
        EXP
    }

    fn about(&self) -> &'static str {
        "chapter 16: a file copied by each str_cli version through a delaying proxy"
    }

    fn plan(&self, lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
        plan(lab)
    }

    fn section(&self, lab: &Lab) -> Section {
        section(lab)
    }

    fn summary(&self, lab: &Lab) -> Option<String> {
        conclusion(lab)
            .map(|c| format!("Chapter 16's str_cli versions, through the delaying proxy. {c}"))
    }
}

fn plan(lab: &mut Lab) -> Vec<Box<dyn super::Point>> {
    let server = match (lab.binary(SERVER), lab.binary(STAND_IN)) {
        (Some(_), _) => SERVER,
        (None, Some(_)) => {
            lab.results.note(
                EXP,
                SERVER,
                format!("{SERVER} is not built: {STAND_IN} echoes instead"),
            );
            STAND_IN
        }
        (None, None) => {
            lab.results.note(
                EXP,
                SERVER,
                format!("skipped: neither {SERVER} nor {STAND_IN} is built"),
            );
            return Vec::new();
        }
    };
    let versions: Vec<&'static Version> = VERSIONS
        .iter()
        .filter(|v| lab.available(EXP, v.binary, v.binary))
        .collect();
    if versions.is_empty() {
        return Vec::new();
    }
    let input = match Input::create(lab.cfg.strcli_lines) {
        Ok(input) => Arc::new(input),
        Err(e) => {
            lab.results.note(
                EXP,
                "input",
                format!("skipped: cannot write the input file: {e:#}"),
            );
            return Vec::new();
        }
    };
    let mut points: Vec<Box<dyn super::Point>> = Vec::new();
    for repeat in 0..lab.cfg.repeats {
        for &version in &versions {
            points.push(Box::new(Point {
                version,
                server,
                input: Arc::clone(&input),
                repeat,
            }));
        }
    }
    points
}

fn run(lab: &mut Lab, p: &Point) -> Result<()> {
    let port = unp_tests::free_port();
    let server = lab.start_server(p.server, &[port.to_string()], port)?;
    let proxy = DelayProxy::start(
        SocketAddr::from(([127, 0, 0, 1], port)),
        lab.cfg.strcli_rtt / 2,
    )?;
    let args = ["127.0.0.1".to_string(), proxy.addr().port().to_string()];
    let stdin = Stdio::from(File::open(&p.input.path)?);
    let start = Instant::now();
    let mut client = Spawned::start(
        &lab.bin_dir.join(p.version.binary),
        &args,
        stdin,
        Some(lab.cfg.load_cpu),
    )?;
    let bound = Duration::from_secs(60) + lab.cfg.strcli_rtt * (3 * lab.cfg.strcli_lines as u32);
    let lines = client.read_to_end(bound)?;
    let wall = start.elapsed().as_secs_f64();
    client.wait_exit(Duration::from_secs(10))?;
    let copied: usize = lines.iter().map(|l| l.len() + 1).sum();
    if copied != p.input.len {
        bail!(
            "copied {copied} of {} bytes; stderr: {:?}",
            p.input.len,
            client.stderr()
        );
    }
    drop(proxy);
    server.interrupt(Duration::from_millis(500));
    lab.results
        .add(EXP, p.version.binary, 0, p.repeat, "wall_s", wall);
    Ok(())
}

/// What this run shows against the book, from its medians: how long
/// stop-and-wait took against its floor of one round trip per line, and
/// how the other versions' times compare with it here and in the book.
fn conclusion(lab: &Lab) -> Option<String> {
    let cfg = &lab.cfg;
    let wall = |v: &Version| lab.results.median(EXP, v.binary, 0, "wall_s");
    let rtt = cfg.strcli_rtt.as_secs_f64();
    let floor = cfg.strcli_lines as f64 * rtt;
    let mut out = String::new();
    let stop_and_wait = wall(&VERSIONS[0]);
    if let Some(s) = stop_and_wait {
        out += &format!(
            "Stop-and-wait took {s:.2} s for {} lines, {:.2} times its floor of one {} ms round trip per line ({floor:.2} s).",
            cfg.strcli_lines,
            s / floor,
            cfg.strcli_rtt.as_millis()
        );
    }
    let others: Vec<(&Version, f64)> = VERSIONS[1..]
        .iter()
        .filter_map(|v| Some((v, wall(v)?)))
        .collect();
    if !others.is_empty() {
        let fastest = others.iter().map(|o| o.1).fold(f64::MAX, f64::min);
        let slowest = others.iter().map(|o| o.1).fold(f64::MIN, f64::max);
        out += &format!(
            " The other versions took {} s to {} s, {:.1} to {:.1} round trips of the proxy.",
            significant(fastest, 2),
            significant(slowest, 2),
            fastest / rtt,
            slowest / rtt
        );
        if let Some(s) = stop_and_wait {
            let book: Vec<f64> = others
                .iter()
                .map(|(v, _)| v.book_secs / VERSIONS[0].book_secs)
                .collect();
            out += &format!(
                " Against stop-and-wait they took {} to {} of its time here; in the book the same versions took {} to {}.",
                significant(fastest / s, 2),
                significant(slowest / s, 2),
                significant(book.iter().copied().fold(f64::MAX, f64::min), 2),
                significant(book.iter().copied().fold(f64::MIN, f64::max), 2)
            );
        }
    }
    (!out.is_empty()).then(|| out.trim_start().to_owned())
}

fn section(lab: &Lab) -> Section {
    let r = &lab.results;
    let cfg = &lab.cfg;
    let mut md = String::from("## 5. Chapter 16: str_cli versions over a long path\n\n");
    let _ = writeln!(
        md,
        "A {}-line file ({} bytes a line) is copied to `{SERVER}` and back by each version, through \
         a proxy in the lab that delays every byte by {} ms each way (a {} ms round trip, no bandwidth \
         limit); wall time from start to the last echoed byte, {}, `median (min–max)`. The book \
         copied 2,000 lines over a path of much longer round-trip time, so compare the ratios.\n",
        cfg.strcli_lines,
        line(cfg.strcli_lines).len(),
        num(cfg.strcli_rtt.as_secs_f64() * 1e3 / 2.0),
        num(cfg.strcli_rtt.as_secs_f64() * 1e3),
        cfg.repeats_text()
    );
    let secs = |v: f64| significant(v, 3);
    let stop_and_wait = r.median(EXP, "tcpcli01", 0, "wall_s");
    let book_base = VERSIONS[0].book_secs;
    let mut t = Table::new(&[
        "version",
        "figure",
        "binary",
        "wall s",
        "÷ stop-and-wait",
        "book s (§16.2)",
        "book ÷ stop-and-wait",
    ]);
    let mut bars = Vec::new();
    for v in VERSIONS.iter() {
        let wall = r.spread(EXP, v.binary, 0, "wall_s");
        if let Some(w) = wall {
            bars.push((format!("{} ({})", v.design, v.binary), w));
        }
        t.row(vec![
            v.design.into(),
            v.figure.into(),
            v.binary.into(),
            show(wall, secs),
            wall.zip(stop_and_wait)
                .map_or("–".into(), |(w, s)| significant(w.median / s, 2)),
            format!("{:.1}", v.book_secs),
            significant(v.book_secs / book_base, 2),
        ]);
    }
    md += &t.markdown();
    if let Some(conclusion) = conclusion(lab) {
        let _ = writeln!(md, "\n{conclusion}");
    }
    let charts = vec![Chart {
        file: "strcli.svg".into(),
        title: "Chapter 16: wall time of each str_cli version".into(),
        svg: bar_chart(
            "Wall time to copy the file through the delaying proxy (median, line: min–max)",
            "seconds",
            &bars,
            None,
        ),
    }];
    Section {
        markdown: md,
        charts,
    }
}
