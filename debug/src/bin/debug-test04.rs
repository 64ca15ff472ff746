//! debug-test04 (`debug/test04.c`, not in the book): a timer sends
//! `SIGALRM` 50 ms after the program starts, meant to land while `connect`
//! waits for the three-way handshake. `SIGALRM`'s handler is installed
//! without `SA_RESTART` ([`unp::signal::signal`]), so the connect returns
//! `EINTR`; the program does not mind (the C's reactions are compiled out)
//! and sleeps 4 s. The kernel has not given up: the handshake goes on
//! after `EINTR`, and when it completes `select` reports the socket
//! **writable**; readable too if the server has sent something by then.
//! It prints `select returned N`, `socket is readable`, `socket is
//! writable`, then runs `str_cli`.
//!
//! On loopback the handshake takes microseconds and the signal comes
//! during `sleep` instead, which it cuts short (`sleep(3)` returns early on
//! a signal); to see `EINTR`, the server must be slow to answer the SYN:
//! a listener whose backlog is full drops it, and the client retries after
//! 1 s (the test does this).
//!
//! Run: `debug-test04 127.0.0.1` against a daytime server on port 13, or
//! `debug-test04 127.0.0.1 40013` against `daytimetcpsrv 40013`: `select
//! returned 2`, readable, writable, then, with a line typed, the time.
//!
//! Differs from the C: the name (threads/ has programs of that name); the
//! optional port (the book's is 13, which its comment calls the echo server);
//! `setitimer(ITIMER_REAL)` is a POSIX timer (`timer_create`) that sends the
//! same `SIGALRM`, through nix's safe API; a line holding a NUL byte is sent
//! and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use std::io;
use std::net::SocketAddrV4;
use std::os::fd::AsFd;
use std::time::Duration;

use nix::sys::select::{select, FdSet};
use nix::sys::signal::{SigEvent, SigHandler, SigevNotify, Signal};
use nix::sys::timer::{Expiration, Timer, TimerSetTimeFlags};
use nix::time::ClockId;
use socket2::{Domain, SockAddr, Socket, Type};
use unp::signal::signal;
use unp::{err_sys, str_cli, OrDie};

extern "C" fn sig_alrm(_signo: libc::c_int) {}

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = Socket::new(Domain::IPV4, Type::STREAM, None).or_die("socket error");
    let servaddr = SockAddr::from(SocketAddrV4::new(unp::inet_pton_v4_or_die(&args[0]), port));

    // The timer goes off before the three-way handshake completes.
    signal(Signal::SIGALRM, SigHandler::Handler(sig_alrm));
    let alrm = SigEvent::new(SigevNotify::SigevSignal {
        signal: Signal::SIGALRM,
        si_value: 0,
    });
    let mut timer = Timer::new(ClockId::CLOCK_REALTIME, alrm).or_die("setitimer error");
    let in_50ms = Expiration::OneShot(Duration::from_millis(50).into());
    timer
        .set(in_50ms, TimerSetTimeFlags::empty())
        .or_die("setitimer error");

    if let Err(err) = sockfd.connect(&servaddr) {
        // EINTR: carry on (the C's `goto again` and message are compiled out).
        if err.kind() != io::ErrorKind::Interrupted {
            err_sys(&err, "connect error");
        }
    }

    let mut rset = FdSet::new();
    rset.insert(sockfd.as_fd());
    let mut wset = rset;
    nix::unistd::sleep(4);
    let n = select(None, &mut rset, &mut wset, None, None).or_die("select error");
    unp::outln!("select returned {n}");
    if rset.contains(sockfd.as_fd()) {
        unp::outln!("socket is readable");
    }
    if wset.contains(sockfd.as_fd()) {
        unp::outln!("socket is writable");
    }

    str_cli(&mut io::stdin().lock(), &sockfd); // do it all
}
