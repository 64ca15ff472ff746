//! `serv10` (not in the book): one thread, one event loop for everything,
//! the *reactor*. The listening socket, every connection and the SIGINT
//! self-pipe are nonblocking and in one `epoll` set; the loop accepts when
//! the listener is readable, reads a request when a connection is
//! readable, and writes the reply as far as the socket takes it, keeping
//! each connection's place in the protocol in a small state machine
//! (`server::web_conn`) on the workspace's event loop (`unp::event`, on
//! epoll). No process or thread is made per client, and
//! nothing waits on a lock: the cost per connection is the system calls
//! themselves. One core at most, and one slow request stalls everyone.
//!
//! ```sh
//! serv10 [ <host> ] <port#>       # serv10 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and exits.
//! Out of descriptors it prints `accept error: Too many open files` (at
//! most once every 10 s), stops accepting, and accepts again when a client
//! leaves.

use std::os::fd::{AsFd, AsRawFd};

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_conn::{accept_all, answer_now, new_reactor, WebConn};
use socket2::Socket;
use unp::event::{Handler, Interest, Reactor, Ready, Token};
use unp::OrDie;

/// What the loop watches.
enum Watched<'a> {
    Listener(Socket),
    Signals(&'a SignalPipe),
    Conn(WebConn),
}

impl Handler for Watched<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        match self {
            Watched::Listener(listener) => {
                accept_all(reactor, token, listener, Watched::Conn);
            }
            Watched::Signals(signals) => {
                if signals.take().stop() {
                    pr_cpu_time();
                    std::process::exit(0)
                }
            }
            Watched::Conn(conn) => conn.ready(reactor, token, &mut answer_now),
        }
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv10 [ <host> ] <port#>", false);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let mut reactor = new_reactor();
    let (listen, signal_fd) = (listener.as_raw_fd(), signals.as_fd().as_raw_fd());
    reactor
        .register(listen, Interest::READ, Watched::Listener(listener))
        .or_die("epoll_ctl error");
    reactor
        .register(signal_fd, Interest::READ, Watched::Signals(&signals))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
}
