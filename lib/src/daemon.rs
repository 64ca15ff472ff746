//! Daemon processes (chapter 13): the book's `daemon_init` (Figure 13.4,
//! `lib/daemon_init.c`) and `daemon_inetd` (Figure 13.11,
//! `lib/daemon_inetd.c`), and the switch that sends the error functions
//! ([`err_msg`](crate::err_msg), [`err_sys`](crate::err_sys), ...) to
//! [`syslog(3)`](https://man7.org/linux/man-pages/man3/syslog.3.html) once
//! the process is a daemon: the C's `daemon_proc` flag of `lib/error.c`.
//!
//! A daemon has no terminal to print on: from the moment it is one, every
//! message of the error functions goes to `syslog` instead of stderr, at
//! `LOG_INFO` for [`err_msg`](crate::err_msg) and
//! [`err_ret`](crate::err_ret) and `LOG_ERR` for the fatal ones, tagged with
//! the name given to `openlog` and the process ID (`LOG_PID`):
//! `daytimetcpsrv2[4321]: connection from 127.0.0.1:54321`.
//!
//! Differs from the C:
//! - [`daemon_init`] closes every descriptor
//!   ([`close_range(2)`](https://man7.org/linux/man-pages/man2/close_range.2.html)),
//!   where the C closes 0 to 63 and leaves any higher one open.
//! - The message is passed to `syslog` as an argument of `"%s"`; the C
//!   passes it as the format itself, so a `%` in a client's text would be
//!   read as a conversion. The C's trailing newline is not sent (a syslog
//!   message is one record; rsyslog shows the C's newline as `#012`).
//! - With `UNP_FOREGROUND` set in the environment, [`daemon_init`] does all
//!   but the two forks and `setsid`: the process stays the one its parent
//!   started, in its session and process group, so that a supervisor
//!   (systemd's `Type=simple`, the test suite's reliability checks) can
//!   wait for it and kill it. Not in the book.

use std::ffi::CString;
use std::io;
use std::os::fd::IntoRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::fcntl::{open, OFlag};
use nix::sys::signal::{SigHandler, Signal};
use nix::sys::stat::Mode;
use nix::unistd::{chdir, fork, setsid, ForkResult};

use crate::signal::signal;

/// The C's `daemon_proc`: set once the process is a daemon, read by the
/// error functions.
static DAEMON_PROC: AtomicBool = AtomicBool::new(false);

/// The environment variable that keeps [`daemon_init`] in the foreground.
pub const FOREGROUND: &str = "UNP_FOREGROUND";

/// The book's `daemon_init(pname, facility)` (Figure 13.4): turn the calling
/// process into a daemon, then `openlog(pname, LOG_PID, facility)`. The
/// book's servers pass facility 0 (`LOG_KERN`).
///
/// Call it first thing in `main`, while the program is one thread and holds
/// no descriptor it means to keep: it closes them all. The steps, each for
/// a reason:
/// 1. [`fork(2)`](https://man7.org/linux/man-pages/man2/fork.2.html), and
///    the parent `_exit`s: the shell sees the command end, and the child,
///    not a process group leader, may call `setsid`.
/// 2. [`setsid(2)`](https://man7.org/linux/man-pages/man2/setsid.2.html):
///    a new session and process group, and no controlling terminal: the
///    terminal's hang-up, its job control signals and its `^C` no longer
///    reach the process.
/// 3. `SIGHUP` ignored, and a second `fork` (the first child `_exit`s):
///    the session leader's exit sends its session a `SIGHUP`, which the
///    survivor ignores; and the survivor, not a session leader, can never
///    acquire a controlling terminal by opening one.
/// 4. Flag the process as a daemon: the error functions now call `syslog`.
/// 5. [`chdir("/")`](https://man7.org/linux/man-pages/man2/chdir.2.html):
///    a daemon must not keep a file system busy (one it started on could
///    not be unmounted).
/// 6. Close every descriptor inherited from the parent (the terminal, a
///    pipe a shell waits on to its end).
/// 7. Open `/dev/null` as stdin, stdout and stderr: a library call that
///    reads or writes them does no harm, and a descriptor the daemon opens
///    later (a socket) is never 0, 1 or 2, where a stray `printf` would
///    write into it.
/// 8. [`openlog(3)`](https://man7.org/linux/man-pages/man3/openlog.3.html)
///    with `LOG_PID`.
///
/// Returns an error if a `fork` or `setsid` fails (the C returns -1), and
/// also if `chdir`, `close_range` or opening `/dev/null` does (the C
/// ignores those).
pub fn daemon_init(pname: &str, facility: libc::c_int) -> io::Result<()> {
    let detach = std::env::var_os(FOREGROUND).is_none();
    if detach {
        fork_and_parent_exits()?;
        setsid()?;
    }
    signal(Signal::SIGHUP, SigHandler::SigIgn);
    if detach {
        fork_and_parent_exits()?;
    }

    DAEMON_PROC.store(true, Ordering::Relaxed);
    chdir("/")?;
    close_every_descriptor()?;
    for flags in [OFlag::O_RDONLY, OFlag::O_RDWR, OFlag::O_RDWR] {
        // Descriptors 0, 1, 2 in turn, the lowest free ones; kept open for
        // the life of the process, as the C's.
        let _ = open("/dev/null", flags, Mode::empty())?.into_raw_fd();
    }
    openlog(pname, facility);
    Ok(())
}

/// The book's `daemon_inetd(pname, facility)` (Figure 13.11): for a server
/// that inetd started, its client's socket on descriptors 0, 1 and 2.
/// inetd has already done what [`daemon_init`] does, so this only flags
/// the process as a daemon and calls `openlog`.
pub fn daemon_inetd(pname: &str, facility: libc::c_int) {
    DAEMON_PROC.store(true, Ordering::Relaxed);
    openlog(pname, facility);
}

/// Whether [`daemon_init`] or [`daemon_inetd`] has run: the C's
/// `daemon_proc`.
pub fn is_daemon() -> bool {
    DAEMON_PROC.load(Ordering::Relaxed)
}

/// [`fork(2)`](https://man7.org/linux/man-pages/man2/fork.2.html): the
/// parent `_exit(0)`s at once, without running exit handlers or flushing
/// buffers that the child still holds, and the child returns.
fn fork_and_parent_exits() -> io::Result<()> {
    // SAFETY: daemon_init is called while the program has one thread (its
    // documented precondition), so the child's memory is consistent.
    match unsafe { fork() }? {
        // SAFETY: _exit(2) has no precondition; it ends the process.
        ForkResult::Parent { .. } => unsafe { libc::_exit(0) },
        ForkResult::Child => Ok(()),
    }
}

/// [`close_range(2)`](https://man7.org/linux/man-pages/man2/close_range.2.html)
/// over every descriptor.
fn close_every_descriptor() -> io::Result<()> {
    // SAFETY: the caller owns no descriptor it will use again (daemon_init's
    // precondition); the call only closes descriptors.
    let closed = unsafe { libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) };
    match closed {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

/// [`openlog(3)`](https://man7.org/linux/man-pages/man3/openlog.3.html)
/// with `LOG_PID`. The identity string is kept for the life of the process,
/// as `openlog` requires.
fn openlog(pname: &str, facility: libc::c_int) {
    let ident: &'static CString = Box::leak(Box::new(c_text(pname)));
    // SAFETY: `ident` is NUL-terminated and never freed, so the pointer
    // syslog keeps stays valid.
    unsafe { libc::openlog(ident.as_ptr(), libc::LOG_PID, facility) };
}

/// [`syslog(3)`](https://man7.org/linux/man-pages/man3/syslog.3.html) of
/// one message at `priority` (`LOG_INFO`, `LOG_ERR`).
pub fn syslog(priority: libc::c_int, msg: &str) {
    let msg = c_text(msg);
    // SAFETY: the format is a NUL-terminated "%s" and its one argument a
    // NUL-terminated string.
    unsafe { libc::syslog(priority, c"%s".as_ptr(), msg.as_ptr()) };
}

/// `text` as a C string, any NUL in it replaced (a C string ends there).
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).expect("no NUL left")
}
