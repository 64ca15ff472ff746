//! `httpd-loops`, model 5: a main loop that accepts and hands each
//! connection to one of N loop threads (one per CPU), each with its own
//! `epoll` loop that serves the connection for its whole life (the design
//! of memcached, muduo, Netty). The hand-off is an `unp::event::inbox` per
//! loop (a queue and an `eventfd`), once per connection, not per request.
//!
//! ```sh
//! httpd-loops [port]               # httpd-loops running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! As in model 3 a CGI program runs inside its loop, stalling that loop's
//! other connections, not the other loops'.

use std::os::fd::{AsFd, AsRawFd};

use socket2::Socket;
use tinyhttpd::nonblocking::{answer_now, HttpConn};
use tinyhttpd::{ignore_sigpipe, startup, Site};
use unp::event::{inbox, Backend, Handler, Inbox, InboxSender, Interest, Reactor, Ready, Token};
use unp::{book_args, OrDie};

/// What the main loop watches: the listening socket, and the loops it
/// hands connections to, in turn.
struct Acceptor {
    listener: Socket,
    loops: Vec<InboxSender<Socket>>,
    next: usize,
}

impl Handler for Acceptor {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        while let Some(connfd) = reactor.accept(token, &self.listener) {
            // A loop that has gone cannot take it: the connection closes.
            let _ = self.loops[self.next].send(connfd);
            self.next = (self.next + 1) % self.loops.len();
        }
    }
}

/// What each serving loop watches.
enum Watched<'a> {
    /// New connections from the main loop.
    Handed(Inbox<Socket>, &'a Site),
    Conn(HttpConn, &'a Site),
}

impl Handler for Watched<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, ready: Ready) {
        match self {
            Watched::Handed(inbox, site) => {
                let site: &Site = site;
                for connfd in inbox.drain() {
                    HttpConn::register(reactor, connfd, site.timeout, |conn| {
                        Watched::Conn(conn, site)
                    });
                }
            }
            Watched::Conn(conn, site) => conn.ready(reactor, token, ready, &mut answer_now(site)),
        }
    }
}

fn main() {
    let (_, port) = book_args("usage: httpd-loops [port]", 0, 4000);
    ignore_sigpipe();
    let site = Site::from_env();
    let (listener, port) = startup(port);
    listener.set_nonblocking(true).or_die("fcntl error");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    unp::outln!("httpd-loops running on port {port}");

    std::thread::scope(|scope| {
        let mut loops = Vec::new();
        for _ in 0..threads {
            let (sender, handed) = inbox::<Socket>().or_die("eventfd error");
            loops.push(sender);
            let site = &site;
            std::thread::Builder::new()
                .spawn_scoped(scope, move || serve_loop(handed, site))
                .or_die("pthread_create error");
        }
        let mut reactor = Reactor::new(Backend::Epoll).or_die("epoll_create error");
        let fd = listener.as_raw_fd();
        let acceptor = Acceptor {
            listener,
            loops,
            next: 0,
        };
        reactor
            .register(fd, Interest::READ, acceptor)
            .or_die("epoll_ctl error");
        reactor.run().or_die("epoll_wait error");
    })
}

/// One serving loop: the connections handed to it, for their whole life.
fn serve_loop(handed: Inbox<Socket>, site: &Site) {
    let mut reactor = Reactor::new(Backend::Epoll).or_die("epoll_create error");
    let fd = handed.as_fd().as_raw_fd();
    reactor
        .register(fd, Interest::READ, Watched::Handed(handed, site))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
}
