//! Summaries: the median and spread of a point's repeats, and the latency
//! percentiles of one run's histogram.

use hdrhistogram::Histogram;

/// The repeats of one measured point: median, smallest and largest value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Spread {
    /// The summary of `values` (NaNs left out), or `None` when none is left.
    /// An even count takes the mean of the two middle values.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n % 2 {
            1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Some(Spread {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            n,
        })
    }

    /// The spread as a fraction of the median: (max - min) / median.
    pub fn relative_range(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            (self.max - self.min) / self.median
        }
    }
}

/// The percentiles of one run's round-trip times, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

impl Latency {
    /// The percentiles of `hist`, whose values are nanoseconds.
    pub fn of(hist: &Histogram<u64>) -> Latency {
        let us = |ns: u64| ns as f64 / 1000.0;
        Latency {
            p50_us: us(hist.value_at_quantile(0.50)),
            p90_us: us(hist.value_at_quantile(0.90)),
            p99_us: us(hist.value_at_quantile(0.99)),
            p999_us: us(hist.value_at_quantile(0.999)),
            max_us: us(hist.max()),
            mean_us: hist.mean() / 1000.0,
        }
    }
}

/// A histogram of round-trip times in nanoseconds, from 1 ns to 100 s, with
/// three significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_middle_value_and_the_extremes() {
        let s = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));
        let even = Spread::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(even.median, 2.5);
        assert_eq!(even.relative_range(), 3.0 / 2.5);
    }

    #[test]
    fn spread_ignores_nan_and_rejects_nothing() {
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(Spread::of(&[f64::NAN]), None);
        assert_eq!(Spread::of(&[f64::NAN, 5.0]).unwrap().median, 5.0);
    }

    #[test]
    fn latency_percentiles_come_from_the_histogram() {
        let mut hist = latency_histogram();
        // 1..=1000 microseconds, one sample each.
        for us in 1..=1000u64 {
            hist.record(us * 1000).unwrap();
        }
        let lat = Latency::of(&hist);
        // Three significant digits: each percentile within 0.1 %.
        let close = |got: f64, want: f64| (got - want).abs() <= want * 0.001 + 0.001;
        assert!(close(lat.p50_us, 500.0), "p50 {}", lat.p50_us);
        assert!(close(lat.p90_us, 900.0), "p90 {}", lat.p90_us);
        assert!(close(lat.p99_us, 990.0), "p99 {}", lat.p99_us);
        assert!(close(lat.p999_us, 999.0), "p999 {}", lat.p999_us);
        assert!(close(lat.max_us, 1000.0), "max {}", lat.max_us);
        assert!(close(lat.mean_us, 500.5), "mean {}", lat.mean_us);
    }
}
