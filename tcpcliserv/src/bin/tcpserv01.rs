//! tcpserv01: the TCP echo server, one child per client (Figure 5.2,
//! `tcpcliserv/tcpserv01.c`).
//!
//! Accepts a connection, forks; the child echoes everything it reads
//! (`str_echo`, Figure 5.3) and exits when the client closes. The parent
//! never waits for its children, so each one that ends stays a zombie
//! (`State: Z` in `/proc/<pid>/status`, `<defunct>` in `ps`) until the
//! server itself exits (§5.8): the lesson that tcpserv02 to tcpserv04 fix.
//!
//! Run: `tcpserv01 &` (port 9877) then `tcpcli01 127.0.0.1`; or
//! `tcpserv01 40000 &` and `tcpcli01 127.0.0.1 40000`.
//!
//! Differs from the C: the optional port argument (the C takes none). The
//! accept-and-fork loop of the figure is `tcpcliserv::fork_per_client`,
//! written once for the six forking servers.

use socket2::Domain;
use tcpcliserv::{accept_or_die, fork_per_client};
use unp::tcp::listen_any;
use unp::{book_args, str_echo, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv01 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    fork_per_client(listenfd, accept_or_die, |connfd| str_echo(connfd));
}
