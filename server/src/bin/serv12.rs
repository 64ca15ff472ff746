//! `serv12` (not in the book): one loop per thread. The main thread only
//! accepts, and hands each connection, in turn, to one of `#threads` loop
//! threads (an `unp::event::inbox`: a queue and an `eventfd` to wake it); each loop thread runs its
//! own `epoll` loop, as serv10 does, for the connections it was given, for
//! their whole life. This is serv08's hand-off with serv10's loops instead
//! of blocking threads: many connections per thread, and as many threads
//! as cores (the design of memcached, muduo and Netty).
//!
//! ```sh
//! serv12 [ <host> ] <port#> <#threads>      # serv12 40123 2
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each loop thread prints `thread i starting`. SIGINT (Ctrl-C) or SIGTERM prints
//! `user time = U, sys time = S`, then `thread i, N connections` for each.
//! Out of descriptors the main thread prints `accept error: Too many open
//! files` (at most once every 10 s), stops accepting, and tries again every 100 ms
//! (`unp::event::ACCEPT_RETRY`: the descriptors are freed by the loop
//! threads, which it does not see).
//! A `#threads` outside 1 to 4096 is refused with the usage line, exit 1
//! (`server::args::MAX_COUNT`).

use std::os::fd::{AsFd, AsRawFd};

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::signals::{SignalPipe, STOP};
use server::web_conn::{answer_now, new_reactor, WebConn};
use socket2::Socket;
use unp::event::{inbox, Handler, Inbox, InboxSender, Interest, Reactor, Ready, Token};
use unp::{err_quit, OrDie};

/// What the main thread's loop watches.
enum Acceptor<'a> {
    /// Accepts, and hands each connection to the next loop thread in turn.
    Listener {
        listener: Socket,
        inboxes: Vec<InboxSender<Socket>>,
        next: usize,
    },
    Signals(&'a SignalPipe, Meter),
}

impl Handler for Acceptor<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        match self {
            Acceptor::Listener {
                listener,
                inboxes,
                next,
            } => {
                while let Some(connfd) = reactor.accept(token, listener) {
                    if inboxes[*next].send(connfd).is_err() {
                        err_quit(format!("loop thread {next} has gone"));
                    }
                    *next = (*next + 1) % inboxes.len();
                }
            }
            Acceptor::Signals(signals, meter) => {
                if signals.take().stop() {
                    pr_cpu_time();
                    meter.print("thread", "connections");
                    std::process::exit(0)
                }
            }
        }
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv12 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let meter = Meter::new(args.count);
    std::thread::scope(|scope| {
        let inboxes: Vec<InboxSender<Socket>> = (0..args.count)
            .map(|i| {
                let (inbox, arrivals) = inbox().or_die("eventfd error");
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || loop_main(i, arrivals, meter))
                    .or_die("pthread_create error");
                inbox
            })
            .collect();
        let mut reactor = new_reactor();
        let (listen, signal_fd) = (listener.as_raw_fd(), signals.as_fd().as_raw_fd());
        let accepting = Acceptor::Listener {
            listener,
            inboxes,
            next: 0,
        };
        for (fd, watched) in [
            (listen, accepting),
            (signal_fd, Acceptor::Signals(&signals, meter)),
        ] {
            reactor
                .register(fd, Interest::READ, watched)
                .or_die("epoll_ctl error");
        }
        reactor.run().or_die("epoll_wait error");
    })
}

/// What a loop thread watches.
enum Watched {
    /// The connections the main thread hands over.
    Arrivals(Inbox<Socket>, usize, Meter),
    Conn(WebConn),
}

impl Handler for Watched {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        match self {
            Watched::Arrivals(arrivals, i, meter) => {
                for connfd in arrivals.drain() {
                    meter.count(*i);
                    WebConn::register(reactor, connfd, Watched::Conn);
                }
            }
            Watched::Conn(conn) => conn.ready(reactor, token, &mut answer_now),
        }
    }
}

/// A loop thread: serve the connections the main thread hands over, all in
/// one `epoll` loop, for their whole life.
fn loop_main(i: usize, arrivals: Inbox<Socket>, meter: Meter) {
    unp::outln!("thread {i} starting");
    let mut reactor = new_reactor();
    let fd = arrivals.as_fd().as_raw_fd();
    reactor
        .register(fd, Interest::READ, Watched::Arrivals(arrivals, i, meter))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
}
