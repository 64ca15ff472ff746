//! Signals as events: the self-pipe trick.
//!
//! The book's servers do their `SIGINT` report (and serv01 its `SIGCHLD`
//! reaping) inside the signal handler, calling `printf`, `wait` and `exit`
//! there. A handler may interrupt `malloc` or `printf` half-way, so here the
//! handler only records the signal in an atomic and writes one byte to a
//! pipe; the program's own loop sees the pipe become readable (in `poll`,
//! `select`, `epoll_wait`, or a blocking wait) and does the work outside the
//! handler.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigHandler, SigSet, Signal};
use unp::signal::signal;
use unp::OrDie;

/// The pipe's write end, for the handler (-1 until [`SignalPipe::catch`]).
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
/// One bit per signal number caught since the last [`SignalPipe::take`].
static PENDING: AtomicU64 = AtomicU64::new(0);

extern "C" fn note_signal(signo: libc::c_int) {
    let saved = Errno::last_raw();
    PENDING.fetch_or(1 << signo, Ordering::SeqCst);
    unp::signal::write_in_handler(PIPE_WRITE.load(Ordering::SeqCst), &[b"s"]);
    Errno::set_raw(saved);
}

/// The signals that stop a server: SIGINT, the book's, and SIGTERM, so
/// that a plain `kill` of a forking server stops its children too instead
/// of leaving them serving with no parent.
pub const STOP: &[Signal] = &[Signal::SIGINT, Signal::SIGTERM];

/// The signals caught since the last look.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pending(u64);

impl Pending {
    /// Whether `sig` is among them.
    pub fn contains(self, sig: Signal) -> bool {
        self.0 & (1 << sig as i32) != 0
    }

    /// Whether one of them is a [`STOP`] signal.
    pub fn stop(self) -> bool {
        STOP.iter().any(|&sig| self.contains(sig))
    }
}

/// The read end of the self-pipe, readable once one of the caught signals
/// has arrived. One per process.
pub struct SignalPipe {
    read: OwnedFd,
    signals: Vec<Signal>,
}

impl SignalPipe {
    /// Make the pipe ([`pipe2(2)`](https://man7.org/linux/man-pages/man2/pipe2.2.html),
    /// both ends nonblocking) and install the recording handler for each of
    /// `signals` with the book's `signal()`. Dies with `pipe error`.
    pub fn catch(signals: &[Signal]) -> SignalPipe {
        let (read, write) =
            nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).or_die("pipe error");
        // The write end lives as long as the process: the handler may run at
        // any moment.
        let write = std::mem::ManuallyDrop::new(write);
        PIPE_WRITE.store(write.as_raw_fd(), Ordering::SeqCst);
        for &sig in signals {
            signal(sig, SigHandler::Handler(note_signal));
        }
        SignalPipe {
            read,
            signals: signals.to_vec(),
        }
    }

    /// Put the caught signals back to their default action: for a forked
    /// child, which is stopped by its parent's `SIGTERM` and must not answer
    /// the parent's signals itself.
    pub fn restore_defaults(&self) {
        for &sig in &self.signals {
            signal(sig, SigHandler::SigDfl);
        }
    }

    /// The caught signals, as a set (to block them).
    pub fn caught(&self) -> SigSet {
        self.signals.iter().copied().collect()
    }

    /// The signals that arrived since the last call, the pipe drained.
    pub fn take(&self) -> Pending {
        let mut buf = [0u8; 64];
        while matches!(nix::unistd::read(&self.read, &mut buf), Ok(n) if n > 0) {}
        Pending(PENDING.swap(0, Ordering::SeqCst))
    }

    /// Block until one of the caught signals arrives (the book's `pause()`),
    /// and return them.
    pub fn wait(&self) -> Pending {
        loop {
            let mut fds = [PollFd::new(self.read.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(err) => unp::err_sys(&err.into(), "poll error"),
            }
            let pending = self.take();
            if pending.0 != 0 {
                return pending;
            }
        }
    }

    /// Start a thread that waits for the signals and then runs `report` and
    /// exits 0: for the servers whose main thread is busy serving (serv00)
    /// or blocked in `accept` (serv06, serv08), where the C's handler would
    /// report.
    pub fn report_on_signal(self, report: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .name("sig_int".into())
            .spawn(move || {
                self.wait();
                report();
                std::process::exit(0)
            })
            .or_die("pthread_create error");
    }
}

impl AsFd for SignalPipe {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }
}
