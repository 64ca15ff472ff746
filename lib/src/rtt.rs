//! The RTT estimator of chapter 22 (`lib/rtt.c`, `lib/unprtt.h`, §22.5,
//! Figures 22.9–22.13): Jacobson's smoothed round-trip time and mean deviation,
//! the retransmission timeout (RTO) they give, clamped to
//! [`RTT_RXTMIN`]..[`RTT_RXTMAX`] seconds, and exponential backoff up to
//! [`RTT_MAXNREXMT`] retransmissions.
//!
//! A sender calls [`RttInfo::rtt_init`] once; for each request
//! [`RttInfo::rtt_newpack`], then for each transmission
//! [`RttInfo::rtt_ts`] (the timestamp it sends) and [`RttInfo::rtt_start`]
//! (the seconds to wait); on a reply [`RttInfo::rtt_stop`] with the
//! round-trip time the echoed timestamp gives, on a timeout
//! [`RttInfo::rtt_timeout`] (double the RTO, or give up). Because the reply
//! echoes the timestamp of the very transmission it answers, a reply to a
//! retransmitted request still gives a true sample: the book's answer to
//! the retransmission ambiguity that Karn's rule avoids by taking no sample
//! at all (§22.5).
//!
//! The arithmetic is the C's: `f32` fields, `f64` for the update, so that
//! [`RttInfo::rtt_debug`] prints the book's numbers. The timestamps count
//! milliseconds on the monotonic clock ([`Instant`]), where the C counts
//! from `gettimeofday`'s whole second, which jumps with the wall clock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The smallest retransmission timeout, in seconds.
pub const RTT_RXTMIN: f32 = 2.0;
/// The largest retransmission timeout, in seconds (a timeout doubled by
/// [`RttInfo::rtt_timeout`] may pass it, as in the C).
pub const RTT_RXTMAX: f32 = 60.0;
/// How many times a request is retransmitted before giving up.
pub const RTT_MAXNREXMT: u32 = 3;

/// The C's `rtt_d_flag`: when set, [`RttInfo::rtt_debug`] prints.
pub static RTT_D_FLAG: AtomicBool = AtomicBool::new(false);

/// The estimator's state: the C's `struct rtt_info`.
#[derive(Clone, Debug)]
pub struct RttInfo {
    /// The most recent measured RTT, in seconds.
    pub rtt: f32,
    /// The smoothed RTT, in seconds.
    pub srtt: f32,
    /// The smoothed mean deviation, in seconds.
    pub rttvar: f32,
    /// The current retransmission timeout, in seconds.
    pub rto: f32,
    /// How many times the current request was retransmitted.
    pub nrexmt: u32,
    /// The start of the timestamps.
    base: Instant,
}

/// The RTO the estimators give: the smoothed RTT plus four deviations.
fn rtt_rtocalc(srtt: f32, rttvar: f32) -> f32 {
    srtt + 4.0 * rttvar
}

/// `rto` kept within [`RTT_RXTMIN`]..[`RTT_RXTMAX`].
fn rtt_minmax(rto: f32) -> f32 {
    rto.clamp(RTT_RXTMIN, RTT_RXTMAX)
}

impl RttInfo {
    /// `rtt_init`: no measurement yet, `srtt` 0, `rttvar` 0.75, so the
    /// first RTO is 3 seconds; the timestamps start now.
    pub fn rtt_init() -> RttInfo {
        let (srtt, rttvar) = (0.0, 0.75);
        RttInfo {
            rtt: 0.0,
            srtt,
            rttvar,
            rto: rtt_minmax(rtt_rtocalc(srtt, rttvar)),
            nrexmt: 0,
            base: Instant::now(),
        }
    }

    /// `rtt_ts`: milliseconds since [`rtt_init`](Self::rtt_init), the
    /// timestamp a request carries.
    pub fn rtt_ts(&self) -> u32 {
        self.base.elapsed().as_millis() as u32
    }

    /// `rtt_newpack`: a new request, not retransmitted yet.
    pub fn rtt_newpack(&mut self) {
        self.nrexmt = 0;
    }

    /// `rtt_start`: the RTO rounded to whole seconds, what the C gives
    /// `alarm`.
    pub fn rtt_start(&self) -> u32 {
        (self.rto + 0.5) as u32
    }

    /// `rtt_stop`: a reply came `ms` milliseconds after the transmission it
    /// answers. Jacobson's update, gains 1/8 and 1/4:
    /// `srtt += delta / 8`, `rttvar += (|delta| - rttvar) / 4`, then the
    /// RTO from the new estimators (a backed-off RTO is not kept).
    pub fn rtt_stop(&mut self, ms: u32) {
        self.rtt = (f64::from(ms) / 1000.0) as f32;
        let mut delta = f64::from(self.rtt) - f64::from(self.srtt);
        self.srtt = (f64::from(self.srtt) + delta / 8.0) as f32;
        delta = delta.abs();
        self.rttvar = (f64::from(self.rttvar) + (delta - f64::from(self.rttvar)) / 4.0) as f32;
        self.rto = rtt_minmax(rtt_rtocalc(self.srtt, self.rttvar));
    }

    /// `rtt_timeout`: the RTO doubles (not clamped, as in the C); true once
    /// the request has been retransmitted [`RTT_MAXNREXMT`] times, when
    /// the C returns -1: time to give up.
    pub fn rtt_timeout(&mut self) -> bool {
        self.rto *= 2.0;
        self.nrexmt += 1;
        self.nrexmt > RTT_MAXNREXMT
    }

    /// `rtt_debug`: when [`RTT_D_FLAG`] is set, one line on stderr:
    /// `rtt = %.3f, srtt = %.3f, rttvar = %.3f, rto = %.3f`.
    pub fn rtt_debug(&self) {
        if RTT_D_FLAG.load(Ordering::Relaxed) {
            eprintln!("{}", self.debug_line());
        }
    }

    fn debug_line(&self) -> String {
        format!(
            "rtt = {:.3}, srtt = {:.3}, rttvar = {:.3}, rto = {:.3}",
            self.rtt, self.srtt, self.rttvar, self.rto
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rto_is_three_seconds() {
        let info = RttInfo::rtt_init();
        assert_eq!(
            info.debug_line(),
            "rtt = 0.000, srtt = 0.000, rttvar = 0.750, rto = 3.000"
        );
        assert_eq!(info.rtt_start(), 3);
    }

    /// The book's sample run (`rtt/rtt.out.kumba.1`): its first four
    /// measurements give the values it printed.
    #[test]
    fn jacobsons_update_gives_the_books_numbers() {
        let mut info = RttInfo::rtt_init();
        let mut lines = Vec::new();
        for ms in [366, 309, 298, 360] {
            info.rtt_stop(ms);
            lines.push(info.debug_line());
        }
        assert_eq!(
            lines,
            [
                "rtt = 0.366, srtt = 0.046, rttvar = 0.654, rto = 2.662",
                "rtt = 0.309, srtt = 0.079, rttvar = 0.556, rto = 2.304",
                "rtt = 0.298, srtt = 0.106, rttvar = 0.472, rto = 2.000",
                "rtt = 0.360, srtt = 0.138, rttvar = 0.418, rto = 2.000",
            ]
        );
    }

    #[test]
    fn the_rto_is_clamped_to_its_minimum_and_maximum() {
        let mut info = RttInfo::rtt_init();
        for _ in 0..20 {
            info.rtt_stop(1);
        }
        assert_eq!(info.rto, RTT_RXTMIN);
        for _ in 0..5 {
            info.rtt_stop(100_000);
        }
        assert_eq!(info.rto, RTT_RXTMAX);
    }

    /// 3, 6, 12, 24 seconds: four transmissions, then give up; the doubled
    /// RTO is not clamped.
    #[test]
    fn timeouts_double_the_rto_and_give_up_after_three_retransmissions() {
        let mut info = RttInfo::rtt_init();
        info.rtt_newpack();
        let mut waits = vec![info.rtt_start()];
        while !info.rtt_timeout() {
            waits.push(info.rtt_start());
        }
        assert_eq!(waits, [3, 6, 12, 24]);
        assert_eq!(info.nrexmt, RTT_MAXNREXMT + 1);

        let mut info = RttInfo::rtt_init();
        info.rtt_stop(100_000);
        assert!(!info.rtt_timeout());
        assert_eq!(info.rto, 2.0 * RTT_RXTMAX);
    }

    /// A new request starts its count of retransmissions again, and a
    /// sample after a timeout sets the RTO from the estimators, not from
    /// the backed-off value.
    #[test]
    fn a_new_request_and_a_new_sample_undo_the_backoff() {
        let mut info = RttInfo::rtt_init();
        assert!(!info.rtt_timeout());
        assert!(!info.rtt_timeout());
        assert_eq!((info.nrexmt, info.rto), (2, 12.0));
        info.rtt_newpack();
        assert_eq!(info.nrexmt, 0);
        info.rtt_stop(0);
        // srtt 0, rttvar 0.75 + (0 - 0.75) / 4 = 0.5625, rto 2.25.
        assert_eq!(info.rto, 2.25);
        assert_eq!(info.rtt_start(), 2);
    }

    #[test]
    fn rtt_start_rounds_to_the_nearest_second() {
        let mut info = RttInfo::rtt_init();
        info.rto = 2.5;
        assert_eq!(info.rtt_start(), 3);
        info.rto = 2.49;
        assert_eq!(info.rtt_start(), 2);
    }
}
