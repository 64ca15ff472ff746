//! `serv01` (`server/serv01.c`, Figure 30.4, §30.5): the
//! traditional concurrent server, one `fork` per client. The parent
//! accepts; each child serves one connection with `web_child` and exits.
//! The most expensive design of Figure 30.1: a whole process is made and
//! destroyed per connection.
//!
//! Run:
//!
//! ```sh
//! serv01 [ <host> ] <port#>       # serv01 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM stops every child still serving, waits for them, and
//! prints `user time = U, sys time = S` (children included).
//!
//! Differences from the C: its handlers reap (`sig_chld`) and report and
//! exit (`sig_int`) inside the signal handler, and leave the children that
//! are still serving running. Here both handlers only write to a self-pipe;
//! the parent waits in `poll` for the listening socket or that pipe, and
//! reaps, or stops its children and reports, in its own loop. Knowing which
//! children it has not yet reaped, it can stop exactly those. A failed
//! `fork` (the process limit) prints `fork error: Resource temporarily
//! unavailable` and refuses only that client (its socket closed), where
//! the C's `Fork` ends the server; and every child dies with the parent
//! (README, "Under stress").

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;
use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::prefork::Children;
use server::signals::SignalPipe;
use server::web_child;
use std::os::fd::{AsFd, AsRawFd};
use unp::{wrap, OrDie};

fn main() {
    let args = ServerArgs::parse("usage: serv01 [ <host> ] <port#>", false);
    let signals = SignalPipe::catch(&[Signal::SIGCHLD, Signal::SIGINT, Signal::SIGTERM]);
    let listener = args.listen();
    let mut children = Children::new();
    loop {
        let mut fds = [
            PollFd::new(listener.as_fd(), PollFlags::POLLIN),
            PollFd::new(signals.as_fd(), PollFlags::POLLIN),
        ];
        if let Err(err) = poll(&mut fds, PollTimeout::NONE) {
            if err != nix::errno::Errno::EINTR {
                unp::err_sys(&err.into(), "poll error");
            }
            continue;
        }
        let new_client = fds[0].any().unwrap_or(false);
        let pending = signals.take();
        if pending.contains(Signal::SIGCHLD) {
            children.reap();
        }
        if pending.stop() {
            children.stop();
            pr_cpu_time();
            std::process::exit(0);
        }
        if new_client {
            let (connfd, _cliaddr) = wrap::accept(&listener);
            let child = children.try_make(&signals, || {
                // Close the listening socket. The `Socket` itself is never
                // dropped: this closure ends the child with exit.
                nix::unistd::close(listener.as_raw_fd()).or_die("close error");
                web_child(&connfd); // process the request
                std::process::exit(0)
            });
            if let Err(err) = child {
                unp::err_ret(&err.into(), "fork error"); // refuse this client only
            }
            wrap::close(connfd); // the parent closes the connected socket
        }
    }
}
