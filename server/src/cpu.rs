//! `pr_cpu_time` (`server/pr_cpu_time.c`, §30.5): the CPU time the
//! server and its children used, the number Figure 30.1 compares.

use nix::sys::resource::{getrusage, UsageWho};
use nix::sys::time::TimeVal;
use unp::OrDie;

/// User and system CPU seconds of this process (all its threads) plus its
/// waited-for children, from
/// [`getrusage(2)`](https://man7.org/linux/man-pages/man2/getrusage.2.html)
/// with `RUSAGE_SELF` and `RUSAGE_CHILDREN`. Dies with `getrusage error`.
fn cpu_time() -> (f64, f64) {
    let me = getrusage(UsageWho::RUSAGE_SELF).or_die("getrusage error");
    let children = getrusage(UsageWho::RUSAGE_CHILDREN).or_die("getrusage error");
    let seconds = |tv: TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
    (
        seconds(me.user_time()) + seconds(children.user_time()),
        seconds(me.system_time()) + seconds(children.system_time()),
    )
}

/// The book's `pr_cpu_time`: prints `\nuser time = U, sys time = S` with the
/// C's `%g`. A prefork parent calls it after waiting for every child, so
/// that their time is counted.
pub fn pr_cpu_time() {
    let (user, sys) = cpu_time();
    unp::outln!(
        "\nuser time = {}, sys time = {}",
        format_g(user),
        format_g(sys)
    );
}

/// `x` as C's `printf("%g")` shows it: six significant digits, trailing
/// zeros dropped, exponent form below 1e-4 and from 1e6 up.
pub fn format_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_zeros(mantissa), exp.abs())
    } else {
        trim_zeros(&format!("{x:.*}", (5 - exp) as usize)).to_owned()
    }
}

fn trim_zeros(number: &str) -> &str {
    match number.contains('.') {
        true => number.trim_end_matches('0').trim_end_matches('.'),
        false => number,
    }
}

#[cfg(test)]
mod tests {
    use super::format_g;

    #[test]
    fn format_g_is_printfs() {
        for (x, want) in [
            (0.0, "0"),
            (1.5, "1.5"),
            (0.123456789, "0.123457"),
            (12.0, "12"),
            (0.004, "0.004"),
            (0.000012, "1.2e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (999999.5, "1e+06"),
        ] {
            assert_eq!(format_g(x), want, "{x}");
        }
    }
}
