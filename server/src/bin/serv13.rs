//! `serv13` (not in the book): `#children` processes, each with its own
//! listening socket on the same port and its own `epoll` loop, the way
//! nginx runs its workers. Every socket sets `SO_REUSEPORT` before `bind`,
//! which lets them share the port; the kernel then spreads incoming
//! connections over the sockets by a hash of the addresses, so no process
//! ever wakes for another's connection and nothing is locked or handed
//! over. It is serv02 (children that accept for themselves) with serv10's
//! loop in each child.
//!
//! The catch: a connection belongs to one socket from its SYN on. If a
//! child dies, the connections queued on its socket are reset, and a busy
//! child's queue is not helped by an idle one.
//!
//! ```sh
//! serv13 [ <host> ] <port#> <#children>     # serv13 40123 2
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each child prints `child PID starting`. SIGINT (Ctrl-C) or SIGTERM stops the
//! children, prints `user time = U, sys time = S`, then
//! `child i, N connections` for each. Out of descriptors a child prints
//! `accept error: Too many open files` (at most once every 10 s), stops accepting, and accepts
//! again when one of its clients leaves (the C-like `Accept` would end the
//! child, and the kernel would go on queueing connections on its socket).
//! A `#children` outside 1 to 4096 is refused with the usage line, exit 1
//! (`server::args::MAX_COUNT`).

use std::os::fd::AsRawFd;

use nix::unistd::getpid;
use server::args::ServerArgs;
use server::meter::Meter;
use server::prefork::Children;
use server::signals::{SignalPipe, STOP};
use server::web_conn::{accept_all, answer_now, new_reactor, WebConn};
use socket2::Socket;
use unp::event::{Handler, Interest, Reactor, Ready, Token};
use unp::netdb::tcp_listen_with;
use unp::{wrap, OrDie};

/// What a child's loop watches.
enum Watched {
    /// Its own listening socket, and its slot in the meter.
    Listener(Socket, usize, Meter),
    Conn(WebConn),
}

impl Handler for Watched {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        match self {
            Watched::Listener(listener, i, meter) => {
                meter.add(*i, accept_all(reactor, token, listener, Watched::Conn));
            }
            Watched::Conn(conn) => conn.ready(reactor, token, &mut answer_now),
        }
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv13 [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let first = reuseport_listen(args.host.as_deref(), &args.port);
    // Port 0 gives the first socket a free port; the others must join it.
    let port = wrap::getsockname(&first)
        .as_socket()
        .map_or(args.port.clone(), |addr| addr.port().to_string());
    let mut listeners = vec![first];
    listeners.extend((1..args.count).map(|_| reuseport_listen(args.host.as_deref(), &port)));
    let meter = Meter::new(args.count);
    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || {
            // Keep this child's own socket; close the others' copies.
            let mine = std::mem::take(&mut listeners).swap_remove(i);
            child_main(i, mine, meter)
        });
    }
    drop(listeners); // the parent accepts nothing
    children.stop_on_signal(&signals, Some(meter))
}

/// The book's `tcp_listen` with `SO_REUSEPORT` set before `bind`, and the
/// socket nonblocking for the loop. Dies as `tcp_listen` does.
fn reuseport_listen(host: Option<&str>, port: &str) -> Socket {
    let sock = tcp_listen_with(host, port, |sock| sock.set_reuse_port(true));
    sock.set_nonblocking(true).or_die("fcntl error");
    sock
}

/// A child: serve the connections of its own socket in one `epoll` loop.
fn child_main(i: usize, listener: Socket, meter: Meter) {
    unp::outln!("child {} starting", getpid());
    let mut reactor = new_reactor();
    let fd = listener.as_raw_fd();
    reactor
        .register(fd, Interest::READ, Watched::Listener(listener, i, meter))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
}
