//! Not in the book: the TCP echo server on io_uring as the interface is
//! meant to be used today (`unp::uring`), where `uringserv01` is the simple
//! version, one recv then one send per round trip, each a request of its
//! own.
//!
//! Here one multishot accept takes every connection; each connection has
//! one multishot recv for its whole life, into buffers the kernel picks
//! from a ring shared with the server (a provided buffer ring), so an idle
//! connection holds no buffer; the echo is a send of exactly the bytes
//! received, from that buffer, which goes back to the ring once the send
//! has completed. The ring is made `SINGLE_ISSUER | DEFER_TASKRUN`, and one
//! `io_uring_enter(2)` submits every request queued while the last batch of
//! completions was handled and waits for the next batch. Under load the
//! system calls per round trip fall far below one; the TCP work itself
//! (copying into the peer's socket, waking it) is what is left, as it is
//! for epoll. `unp::uring` says which cases it handles and how (a recv
//! ended without `IORING_CQE_F_MORE`, `ENOBUFS`, a client that does not
//! read, resets).
//!
//! Where the kernel refuses `SINGLE_ISSUER | DEFER_TASKRUN` (before 6.1)
//! it says `uringserv02: io_uring refused ... running without` and serves.
//! Where io_uring or a provided buffer ring (Linux 5.19) is missing:
//! `uringserv02: io_uring unavailable: <reason>`, exit 1. Out of
//! descriptors: `accept error: Too many open files` (at most once every 10 s), no accept until a
//! connection closes.
//!
//! For the tests, a hidden first argument `--buffers=N` (N a power of 2)
//! makes the buffer ring that small, and says on stderr when it runs out:
//! `uringserv02: out of receive buffers; recv re-armed when one is back`.
//!
//! Run: `uringserv02 [port]` (default 9877) and `tcpcli01 127.0.0.1 [port]`.

use unp::args::{arguments, Role};
use unp::uring::{Config, Connection, Out, Server};
use unp::{err_quit, err_sys, tcp_listen, SERV_PORT};

const USAGE: &str = "usage: uringserv02 [port]";

/// The echo protocol: every byte back, as received.
#[derive(Default)]
struct Echo;

impl Connection for Echo {
    fn received(&mut self, _data: &[u8], out: &mut Out) {
        out.echo();
    }
}

fn main() {
    let mut config = Config::default();
    let mut args = arguments(USAGE, Role::Server);
    let hidden = args
        .first()
        .and_then(|arg| arg.strip_prefix("--buffers=")?.parse().ok());
    if let Some(buffers) = hidden {
        config.buffers = buffers;
        config.trace = true;
        args.remove(0);
    }
    let port = match args.as_slice() {
        [] => SERV_PORT,
        [port] => port.parse().unwrap_or_else(|_| err_quit(USAGE)),
        _ => err_quit(USAGE),
    };
    let listenfd = tcp_listen(None, &port.to_string());
    let mut server: Server<Echo> = Server::new("uringserv02", listenfd, config)
        .unwrap_or_else(|err| err_sys(&err, "uringserv02: io_uring unavailable"));
    server.run(|_| {})
}
