//! Every measurement of a run, and the files written from them: the CSV of
//! every sample, Markdown tables, and the results folder.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::stats::Spread;
use crate::svg::short_number;

/// One measured value of one repeat of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub experiment: &'static str,
    /// What was measured: a server, a backend, a client.
    pub subject: String,
    /// The point's parameter: connections, idle connections, or 0.
    pub param: u64,
    pub repeat: usize,
    /// The metric with its unit in the name: `rt_per_s`, `p50_us`, ...
    pub metric: String,
    pub value: f64,
}

/// A point that could not be measured, or a subject skipped, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub experiment: &'static str,
    pub subject: String,
    pub text: String,
}

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Results {
    pub samples: Vec<Sample>,
    pub notes: Vec<Note>,
}

impl Results {
    pub fn add(
        &mut self,
        experiment: &'static str,
        subject: &str,
        param: u64,
        repeat: usize,
        metric: &'static str,
        value: f64,
    ) {
        self.samples.push(Sample {
            experiment,
            subject: subject.to_owned(),
            param,
            repeat,
            metric: metric.to_owned(),
            value,
        });
    }

    /// Record that `subject` (or one point of it) failed or was skipped; the
    /// same text for the same subject is kept once.
    pub fn note(&mut self, experiment: &'static str, subject: &str, text: impl Into<String>) {
        let note = Note {
            experiment,
            subject: subject.to_owned(),
            text: text.into(),
        };
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The repeats of one metric of one point.
    pub fn spread(
        &self,
        experiment: &str,
        subject: &str,
        param: u64,
        metric: &str,
    ) -> Option<Spread> {
        let values: Vec<f64> = self
            .samples
            .iter()
            .filter(|s| {
                s.experiment == experiment
                    && s.subject == subject
                    && s.param == param
                    && s.metric == metric
            })
            .map(|s| s.value)
            .collect();
        Spread::of(&values)
    }

    /// The median of one metric of one point.
    pub fn median(&self, experiment: &str, subject: &str, param: u64, metric: &str) -> Option<f64> {
        self.spread(experiment, subject, param, metric)
            .map(|s| s.median)
    }

    /// The notes of one experiment.
    pub fn notes_of(&self, experiment: &str) -> Vec<&Note> {
        self.notes
            .iter()
            .filter(|n| n.experiment == experiment)
            .collect()
    }

    /// Every sample, one CSV row each.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("experiment,subject,param,repeat,metric,value\n");
        for s in &self.samples {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                csv_field(s.experiment),
                csv_field(&s.subject),
                s.param,
                s.repeat,
                csv_field(&s.metric),
                s.value
            );
        }
        out
    }
}

impl Results {
    /// The samples of a `measurements.csv` written by [`Results::to_csv`];
    /// rows of experiments this lab does not know are left out.
    pub fn from_csv(text: &str) -> Result<Results, String> {
        let mut results = Results::default();
        for (i, line) in text.lines().enumerate().skip(1) {
            let bad = || format!("measurements.csv line {}: {line:?}", i + 1);
            let fields = csv_split(line);
            let [experiment, subject, param, repeat, metric, value] = &fields[..] else {
                return Err(bad());
            };
            let Some(experiment) = crate::experiments::by_name(experiment) else {
                continue;
            };
            results.samples.push(Sample {
                experiment: experiment.name(),
                subject: subject.clone(),
                param: param.parse().map_err(|_| bad())?,
                repeat: repeat.parse().map_err(|_| bad())?,
                metric: metric.clone(),
                value: value.parse().map_err(|_| bad())?,
            });
        }
        Ok(results)
    }
}

/// The fields of one CSV line as [`csv_field`] writes them.
fn csv_split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let (mut quoted, mut chars) = (false, line.chars().peekable());
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("one field at least");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    match text.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", text.replace('"', "\"\"")),
        false => text.to_owned(),
    }
}

/// A Markdown table whose columns are padded to line up in a terminal too.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row; missing cells are left empty, extra ones dropped.
    pub fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn markdown(&self) -> String {
        let cell = |c: &str| c.replace('|', "\\|");
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| cell(&r[i]).chars().count())
                    .chain([cell(&self.headers[i]).chars().count(), 3])
                    .max()
                    .unwrap_or(3)
            })
            .collect();
        let line = |cells: Vec<String>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = line(self.headers.iter().map(|h| cell(h)).collect());
        out += &line(widths.iter().map(|w| "-".repeat(*w)).collect());
        for r in &self.rows {
            out += &line(r.iter().map(|c| cell(c)).collect());
        }
        out
    }
}

/// `median (min–max)` with `fmt` for each number, or `–` when nothing was
/// measured; the range is left out for a single repeat.
pub fn show(spread: Option<Spread>, fmt: impl Fn(f64) -> String) -> String {
    match spread {
        None => "–".into(),
        Some(s) if s.n == 1 => fmt(s.median),
        Some(s) => format!("{} ({}–{})", fmt(s.median), fmt(s.min), fmt(s.max)),
    }
}

/// A number with three significant figures and k/M suffixes.
pub fn num(v: f64) -> String {
    short_number(v)
}

/// `v` with at least `digits` significant figures: `0.0034`, `0.19`,
/// `5.4`, `354` for two (a whole number keeps its every digit).
pub fn significant(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i64;
    let decimals = (digits as i64 - 1 - magnitude).max(0) as usize;
    format!("{v:.decimals$}")
}

/// Whether this run met a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    NotMet,
    /// A figure the target needs was not measured in this run.
    NotMeasured,
}

impl Verdict {
    /// `Some(true)` met, `Some(false)` not met, `None` not measured.
    pub fn of(ok: Option<bool>) -> Verdict {
        match ok {
            Some(true) => Verdict::Met,
            Some(false) => Verdict::NotMet,
            None => Verdict::NotMeasured,
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not met",
            Verdict::NotMeasured => NOT_MEASURED,
        })
    }
}

/// What a report says of a figure this run did not produce.
pub const NOT_MEASURED: &str = "not measured in this run";

/// One of the project's targets, with this run's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The goal, with its units.
    pub goal: String,
    /// This run's figures, with their units, or [`NOT_MEASURED`].
    pub figures: String,
    pub verdict: Verdict,
}

/// A chart, with the file name it is written to.
pub struct Chart {
    pub file: String,
    pub title: String,
    pub svg: String,
}

/// One experiment's part of the report.
pub struct Section {
    pub markdown: String,
    pub charts: Vec<Chart>,
}

/// UTC date and time as `YYYY-MM-DDTHH-MM-SSZ`, safe in a file name.
pub fn timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}-{:02}-{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Write the report, the CSV and the charts into `dir`.
pub fn write_folder(dir: &Path, report: &str, csv: &str, charts: &[&Chart]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join("report.md"), report)?;
    fs::write(dir.join("measurements.csv"), csv)?;
    for chart in charts {
        fs::write(dir.join(&chart.file), &chart.svg)?;
    }
    Ok(())
}

/// Point the symlink `latest` beside `dir` at it (replacing the old link
/// in one rename, so that `latest` always resolves).
pub fn link_latest(dir: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Ok(());
    };
    let tmp: PathBuf = parent.join(".latest.tmp");
    let _ = fs::remove_file(&tmp);
    std::os::unix::fs::symlink(name, &tmp)?;
    fs::rename(&tmp, parent.join("latest"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn small_ratios_keep_two_significant_figures() {
        assert_eq!(significant(0.003_14, 2), "0.0031");
        assert_eq!(significant(0.0286, 2), "0.029");
        assert_eq!(significant(0.19, 2), "0.19");
        assert_eq!(significant(5.432, 2), "5.4");
        assert_eq!(significant(354.0, 2), "354");
        assert_eq!(significant(0.0, 2), "0");
    }

    #[test]
    fn csv_has_a_row_per_sample_and_quotes_when_needed() {
        let mut r = Results::default();
        r.add("echo", "tcpservreactor01 epoll", 100, 0, "rt_per_s", 1234.5);
        r.add("echo", "a,b", 1, 2, "p50_us", 7.0);
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "experiment,subject,param,repeat,metric,value");
        assert_eq!(
            lines[1],
            "echo,tcpservreactor01 epoll,100,0,rt_per_s,1234.5"
        );
        assert_eq!(lines[2], "echo,\"a,b\",1,2,p50_us,7");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        r.add("nosuch", "x", 0, 0, "m", 1.0);
        let back = Results::from_csv(&r.to_csv()).unwrap();
        assert_eq!(
            back.samples,
            r.samples[..2],
            "the unknown experiment is left out"
        );
        assert!(Results::from_csv("header\necho,x,1\n").is_err());
    }

    #[test]
    fn spread_collects_the_repeats_of_one_point() {
        let mut r = Results::default();
        for (rep, v) in [3.0, 1.0, 2.0].into_iter().enumerate() {
            r.add("echo", "s", 10, rep, "rt_per_s", v);
        }
        r.add("echo", "s", 100, 0, "rt_per_s", 50.0);
        let s = r.spread("echo", "s", 10, "rt_per_s").unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));
        assert_eq!(r.median("echo", "s", 1, "rt_per_s"), None);
        assert_eq!(show(Some(s), num), "2 (1–3)");
        assert_eq!(show(None, num), "–");
    }

    #[test]
    fn notes_are_kept_once() {
        let mut r = Results::default();
        r.note("echo", "uringserv01", "not built");
        r.note("echo", "uringserv01", "not built");
        r.note("idle", "x", "other");
        assert_eq!(r.notes_of("echo").len(), 1);
    }

    #[test]
    fn markdown_table_lines_up() {
        let mut t = Table::new(&["server", "rt/s"]);
        t.row(vec!["tcpservselect01".into(), "98k".into()]);
        t.row(vec!["a|b".into()]);
        let md = t.markdown();
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| server          | rt/s |");
        assert_eq!(lines[1], "| --------------- | ---- |");
        assert_eq!(lines[2], "| tcpservselect01 | 98k  |");
        assert_eq!(lines[3], "| a\\|b            |      |");
    }

    #[test]
    fn timestamp_is_utc_civil_time() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00-00-00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_764_195_000);
        assert_eq!(timestamp(t), "2025-11-26T22-10-00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29T00-00-00Z");
    }

    #[test]
    fn folder_holds_report_csv_charts_and_latest_link() {
        let root = std::env::temp_dir().join(format!("lab-report-test-{}", std::process::id()));
        let dir = root.join("2025-01-01T00-00-00Z");
        let chart = Chart {
            file: "c.svg".into(),
            title: "c".into(),
            svg: "<svg/>".into(),
        };
        write_folder(&dir, "# r\n", "a,b\n", &[&chart]).unwrap();
        link_latest(&dir).unwrap();
        write_folder(&dir, "# r2\n", "a,b\n", &[&chart]).unwrap();
        link_latest(&dir).unwrap();
        assert_eq!(
            fs::read_to_string(root.join("latest/report.md")).unwrap(),
            "# r2\n"
        );
        assert_eq!(fs::read_to_string(dir.join("c.svg")).unwrap(), "<svg/>");
        assert_eq!(
            fs::read_link(root.join("latest")).unwrap(),
            Path::new("2025-01-01T00-00-00Z")
        );
        fs::remove_dir_all(root).unwrap();
    }
}
