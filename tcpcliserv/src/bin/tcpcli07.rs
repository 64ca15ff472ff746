//! tcpcli07: a client that dies 50 ms after it starts
//! (`tcpcliserv/tcpcli07.c`, a test program for §5.11, "connection abort
//! before accept returns").
//!
//! Sets a 50 ms interval timer before `connect`; the SIGALRM handler exits,
//! so on a slow network the client dies around the three-way handshake and
//! the server's `accept` may meet a connection that is already gone. On
//! loopback the handshake takes microseconds: the client is connected and
//! waiting in `str_cli` when the timer fires, and the server, if it has not
//! accepted yet (stop it with SIGSTOP to see this), later accepts a
//! connection whose client has already closed it, and must survive it.
//!
//! Run: `tcpserv04 &` then `tcpcli07 127.0.0.1` (port 9877), or
//! `tcpcli07 127.0.0.1 <port>`. It exits 0 after 50 ms unless input ends
//! first.
//!
//! Differs from the C: the handler calls `_exit(0)`, which is
//! async-signal-safe, where the C calls `exit(0)`, which is not (it flushes
//! stdio from inside the handler); the optional port argument; a line holding a
//! NUL byte is sent and its echo printed whole, where the C stops at the NUL
//! (`strlen`, `fputs`).

use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Type};
use unp::signal::signal;
use unp::tcp::tcpcli_args;
use unp::{err_sys, servaddr_v4, str_cli, wrap, SERV_PORT};

extern "C" fn sig_alrm(_signo: libc::c_int) {
    // SAFETY: _exit(2) is async-signal-safe and never returns.
    unsafe { libc::_exit(0) }
}

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = servaddr_v4(&addr, port);

    // Set the interval timer to go off before the handshake completes.
    signal(Signal::SIGALRM, SigHandler::Handler(sig_alrm));
    let val = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 50_000,
        },
    };
    // SAFETY: setitimer(2) reads `val`, a valid struct, and writes nothing
    // (the old value pointer is null). No safe wrapper exists.
    if unsafe { libc::setitimer(libc::ITIMER_REAL, &val, std::ptr::null_mut()) } == -1 {
        err_sys(&std::io::Error::last_os_error(), "setitimer error");
    }

    wrap::connect(&sockfd, &servaddr);
    str_cli(&mut std::io::stdin().lock(), &sockfd);
}
