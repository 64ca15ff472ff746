//! The book's `signal()` (`lib/signal.c`, Figure 5.6) and the small signal
//! helpers the programs share.
//!
//! Rust's runtime sets `SIGPIPE` to `SIG_IGN` before `main`, so a write to a
//! reset connection fails with `EPIPE` instead of killing the process. The
//! programs whose lesson is that death (tcpcli11) call
//! [`restore_sigpipe`] first.

use nix::errno::Errno;
use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::sys::wait;

use crate::error::OrDie;

/// Install `handler` for `sig` with
/// [`sigaction(2)`](https://man7.org/linux/man-pages/man2/sigaction.2.html), an
/// empty mask and `SA_RESTART` for every signal but `SIGALRM`, whose purpose
/// is to interrupt a blocked call (a timeout). Returns the previous handler.
/// Dies with `signal error`.
///
/// A handler runs between any two instructions of the program: it may only
/// touch atomics and call async-signal-safe functions (`write(2)`,
/// `waitpid(2)`, `_exit(2)`), never allocate, lock or print with `println!`.
pub fn signal(sig: Signal, handler: SigHandler) -> SigHandler {
    let flags = if sig == Signal::SIGALRM {
        SaFlags::empty()
    } else {
        SaFlags::SA_RESTART
    };
    let action = SigAction::new(handler, flags, SigSet::empty());
    // SAFETY: every handler passed in this workspace is async-signal-safe
    // (see the doc above); SIG_DFL and SIG_IGN are always sound.
    unsafe { signal::sigaction(sig, &action) }
        .or_die("signal error")
        .handler()
}

/// Put `SIGPIPE` back to its default action, death of the process, as it is
/// in C. Rust's start-up code ignores it.
pub fn restore_sigpipe() {
    signal(Signal::SIGPIPE, SigHandler::SigDfl);
}

/// Write the concatenation of `parts` to `fd` from a signal handler: the
/// parts are joined in a stack buffer (at most 256 bytes, the rest cut) and
/// written with one [`write(2)`](https://man7.org/linux/man-pages/man2/write.2.html),
/// which is async-signal-safe, where the C calls `printf`, which is not.
pub fn write_in_handler(fd: std::os::fd::RawFd, parts: &[&[u8]]) {
    let mut line = [0u8; 256];
    let mut len = 0;
    for part in parts {
        let take = part.len().min(line.len() - len);
        line[len..len + take].copy_from_slice(&part[..take]);
        len += take;
    }
    // SAFETY: write(2) with a valid buffer is async-signal-safe and touches
    // no Rust state.
    unsafe { libc::write(fd, line.as_ptr().cast(), len) };
}

/// `n` in decimal, formatted into `buf` without allocating (for
/// [`write_in_handler`]). Returns the digits.
pub fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..]
}

/// The book's `sig_chld` with one `wait` (`tcpcliserv/sigchldwait.c`,
/// Figure 5.7): reaps one child and prints `child N terminated`. When several
/// children end together their signals merge into one, so this loses some:
/// the zombies of §5.9.
pub extern "C" fn sig_chld_wait(_signo: libc::c_int) {
    let saved = Errno::last_raw();
    if let Ok(status) = wait::wait() {
        report_child(status);
    }
    Errno::set_raw(saved);
}

/// The book's `sig_chld` with a `waitpid(-1, WNOHANG)` loop
/// (`tcpcliserv/sigchldwaitpid.c`, Figure 5.11): reaps every child that has
/// ended, printing `child N terminated` for each. No zombies remain.
pub extern "C" fn sig_chld_waitpid(_signo: libc::c_int) {
    let saved = Errno::last_raw();
    while let Ok(status) = wait::waitpid(None, Some(wait::WaitPidFlag::WNOHANG)) {
        if status == wait::WaitStatus::StillAlive {
            break;
        }
        report_child(status);
    }
    Errno::set_raw(saved);
}

fn report_child(status: wait::WaitStatus) {
    if let Some(pid) = status.pid() {
        let mut digits = [0; 20];
        let pid = decimal(pid.as_raw().into(), &mut digits);
        write_in_handler(libc::STDOUT_FILENO, &[b"child ", pid, b" terminated\n"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_formats_without_allocating() {
        let mut buf = [0; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(12345, &mut buf), b"12345");
        assert_eq!(decimal(i64::MIN, &mut buf), b"-9223372036854775808");
    }
}
