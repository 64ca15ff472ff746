//! A progress bar on stderr: one line redrawn in place on a terminal, one
//! line per step otherwise (a log stays readable).

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    total: f64,
    done: f64,
    start: Instant,
    tty: bool,
}

/// Write `text` and a newline on stderr. A closed stderr (`lab 2>&1 | head`)
/// silences the lab; it does not stop it (`eprintln!` would panic).
pub fn say(text: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "{text}");
}

/// `1h02m`, `3m05s`, `42s`.
pub fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s >= 3600 => format!("{}h{:02}m", s / 3600, s / 60 % 60),
        _ if s >= 60 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{s}s"),
    }
}

impl Progress {
    /// A bar for work estimated at `total` units (seconds, roughly).
    pub fn new(total: f64) -> Progress {
        Progress {
            total: total.max(1e-9),
            done: 0.0,
            start: Instant::now(),
            tty: io::stderr().is_terminal(),
        }
    }

    /// The bar text for the work done so far, about to do `what`.
    pub fn line(&self, what: &str) -> String {
        let frac = (self.done / self.total).clamp(0.0, 1.0);
        let width = 30;
        let filled = (frac * width as f64).round() as usize;
        let left = match self.done > 0.0 {
            true => {
                let per_unit = self.start.elapsed().as_secs_f64() / self.done;
                format!(
                    "~{} left",
                    minutes(Duration::from_secs_f64(
                        per_unit * (self.total - self.done).max(0.0)
                    ))
                )
            }
            false => "starting".into(),
        };
        format!(
            "[{}{}] {:3.0}% {left:>11}  {what}",
            "#".repeat(filled),
            "-".repeat(width - filled),
            frac * 100.0
        )
    }

    /// Show that `what` starts now.
    pub fn show(&self, what: &str) {
        let line = self.line(what);
        let mut err = io::stderr().lock();
        let _ = match self.tty {
            true => write!(err, "\r\x1b[2K{line}"),
            false => writeln!(err, "{line}"),
        };
        let _ = err.flush();
    }

    /// Count `units` of work as done.
    pub fn advance(&mut self, units: f64) {
        self.done += units;
    }

    /// Clear the bar before other output.
    pub fn finish(&self) {
        if self.tty {
            let _ = write!(io::stderr(), "\r\x1b[2K");
        }
        say(format!("lab: done in {}", minutes(self.start.elapsed())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_with_the_work_done() {
        let mut p = Progress::new(4.0);
        assert!(p
            .line("echo")
            .starts_with("[------------------------------]   0%    starting  echo"));
        p.advance(1.0);
        assert!(p
            .line("x")
            .starts_with("[########----------------------]  25%"));
        p.advance(3.0);
        assert!(p
            .line("x")
            .starts_with("[##############################] 100%"));
    }

    #[test]
    fn durations_read_as_minutes() {
        assert_eq!(minutes(Duration::from_secs(42)), "42s");
        assert_eq!(minutes(Duration::from_secs(185)), "3m05s");
        assert_eq!(minutes(Duration::from_secs(3720)), "1h02m");
    }
}
