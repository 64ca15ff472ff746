//! The preforked servers (§30.6–30.8): `child_make` and `child_main`
//! (`server/child02.c`, `child02l.c`, `child02m.c`, `child03.c`,
//! `child03m.c`, `child04.c`), the parent's `sig_int`, and the
//! bookkeeping of children that every forking server shares. Each binary
//! writes out its own `main` (Figure 30.9, `serv02.c`).
//!
//! The six C `child_main`s differ in one line each: how a child gets its
//! next connection ([`Accept`]) and whether it counts it ([`Meter`]).
//! Here they are one `child_main`; each binary names its variant.

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::select::{select, FdSet};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{wait, waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, getpid, getppid, ForkResult, Pid};
use socket2::Socket;
use unp::{err_quit, err_sys, outln, wrap, OrDie};

use crate::cpu::pr_cpu_time;
use crate::lock::AcceptLock;
use crate::meter::Meter;
use crate::signals::SignalPipe;
use crate::web_child::web_child;

/// The children a server has forked and not yet reaped.
#[derive(Default)]
pub struct Children {
    pids: Vec<Pid>,
}

impl Children {
    /// No children yet.
    pub fn new() -> Children {
        Children::default()
    }

    /// The book's `child_make`: fork; the child puts `signals` back to their
    /// defaults, runs `child_main` and exits 0 should it return; the parent
    /// remembers the pid and returns it.
    ///
    /// When the fork fails (`EAGAIN`: the process limit) the server dies
    /// with `fork error`, as the C does, but first stops the children it has
    /// made (the C leaves them serving the port with no parent). Each child
    /// also dies with its parent, however the parent ends: see
    /// [`try_make`](Children::try_make).
    pub fn make(&mut self, signals: &SignalPipe, child_main: impl FnOnce()) -> Pid {
        match self.try_make(signals, child_main) {
            Ok(child) => child,
            Err(err) => {
                self.stop();
                err_sys(&err.into(), "fork error")
            }
        }
    }

    /// [`make`](Children::make) that returns the fork's error instead of
    /// dying: for a server that forks per client and must refuse only the
    /// client it could not fork for (serv01).
    ///
    /// Not in the C: the child asks the kernel for `SIGKILL` when its parent
    /// dies ([`prctl(2)`](https://man7.org/linux/man-pages/man2/prctl.2.html)
    /// `PR_SET_PDEATHSIG`), then exits at once if the parent is already gone
    /// (it died between the fork and the `prctl`). So no child outlives its
    /// server: not on `fork error`, not on any other error, not on `SIGKILL`.
    /// (The signal follows the parent *thread* that forked: the forking
    /// servers are single-threaded.)
    pub fn try_make(
        &mut self,
        signals: &SignalPipe,
        child_main: impl FnOnce(),
    ) -> nix::Result<Pid> {
        let parent = getpid();
        // The caught signals stay blocked until the child has put back their
        // default actions: a SIGTERM from a parent stopping its children
        // right away must kill the child, not run the parent's handler.
        let caught = signals.caught();
        caught.thread_block().or_die("sigprocmask error");
        // SAFETY: the forking servers are single-threaded.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                die_with_parent(parent);
                signals.restore_defaults();
                caught.thread_unblock().or_die("sigprocmask error");
                child_main();
                std::process::exit(0)
            }
            Ok(ForkResult::Parent { child }) => {
                caught.thread_unblock().or_die("sigprocmask error");
                self.pids.push(child);
                Ok(child)
            }
            Err(err) => {
                caught.thread_unblock().or_die("sigprocmask error");
                Err(err)
            }
        }
    }

    /// Reap every child that has exited, without blocking
    /// ([`waitpid(2)`](https://man7.org/linux/man-pages/man2/waitpid.2.html)
    /// with `WNOHANG` in a loop, the book's `sig_chld`, Figure 5.11), and
    /// forget it.
    pub fn reap(&mut self) {
        while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            match status.pid() {
                Some(pid) if status != WaitStatus::StillAlive => self.pids.retain(|&p| p != pid),
                _ => break,
            }
        }
    }

    /// The first half of the book's `sig_int`: `SIGTERM` to every child,
    /// then `wait` until none is left (so that their CPU time is counted in
    /// `RUSAGE_CHILDREN`). Only unreaped children are signalled, so a pid
    /// the system has given to another process is never hit. Dies with
    /// `wait error`.
    pub fn stop(&mut self) {
        for &pid in &self.pids {
            let _ = kill(pid, Signal::SIGTERM);
        }
        loop {
            match wait() {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(Errno::ECHILD) => break,
                Err(err) => err_sys(&err.into(), "wait error"),
            }
        }
        self.pids.clear();
    }

    /// The parent's part once its children run (the C's `pause()` loop and
    /// `sig_int`): wait for a [`STOP`] signal, [`stop`](Children::stop) the
    /// children, print the CPU time and, when metered, each child's
    /// `child i, N connections`, and exit 0.
    pub fn stop_on_signal(mut self, signals: &SignalPipe, meter: Option<Meter>) -> ! {
        signals.wait();
        self.stop();
        pr_cpu_time();
        if let Some(meter) = meter {
            meter.print("child", "connections");
        }
        std::process::exit(0)
    }
}

/// In a child just forked from `parent`: ask for `SIGKILL` when the parent
/// dies, and exit now if it already has (the child has been reparented).
/// Dies with `prctl error`.
fn die_with_parent(parent: Pid) {
    prctl::set_pdeathsig(Signal::SIGKILL).or_die("prctl error");
    if getppid() != parent {
        std::process::exit(0);
    }
}

/// How a preforked child gets its next connection.
#[derive(Clone, Copy)]
pub enum Accept<'a> {
    /// Every child blocks in `accept` on the shared socket (serv02,
    /// §30.6): the kernel wakes one of them per connection.
    Plain,
    /// Every child blocks in `select` for the listening socket, then in
    /// `accept` (serv02l): every child wakes for each connection, all but
    /// one then block in `accept`, the *select collisions* of §30.6.
    SelectFirst,
    /// Only the holder of the lock may `accept` (serv03, serv04).
    Locked(&'a dyn AcceptLock),
}

/// The book's `child_main` (`child02.c` and its variants): print
/// `child PID starting`, then for ever take a connection, count it,
/// serve it and close it.
pub fn child_main(i: usize, listener: &Socket, accept: Accept, meter: Option<Meter>) -> ! {
    outln!("child {} starting", getpid());
    loop {
        let (conn, _cliaddr) = match accept {
            Accept::Plain => wrap::accept(listener),
            Accept::SelectFirst => {
                select_readable(listener);
                wrap::accept(listener)
            }
            Accept::Locked(lock) => {
                lock.my_lock_wait();
                let pair = wrap::accept(listener);
                lock.my_lock_release();
                pair
            }
        };
        if let Some(meter) = meter {
            meter.count(i);
        }
        web_child(&conn);
    }
}

/// Block in [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html)
/// until `listener` is readable (a listening socket opened at start-up has a
/// small descriptor, well below `FD_SETSIZE`). Dies with `select error`, or
/// `listenfd readable` if select returns without it.
fn select_readable(listener: &Socket) {
    let mut rset = FdSet::new();
    rset.insert(std::os::fd::AsFd::as_fd(listener));
    match select(None, &mut rset, None, None, None) {
        Ok(_) if rset.contains(std::os::fd::AsFd::as_fd(listener)) => {}
        Ok(_) => err_quit("listenfd readable"),
        Err(err) => err_sys(&err.into(), "select error"),
    }
}
