//! Figure 4.11, `intro/daytimetcpsrv1.c`: the daytime server of Figure 1.9
//! that prints each client's address and port, as `accept` returns them.
//!
//! Prints `connection from 127.0.0.1, port 54321` per client.
//!
//! Run: `daytimetcpsrv1` (port 13, root) or `daytimetcpsrv1 40013`.
//!
//! Differences from the C: the optional port argument.

use socket2::Domain;
use unp::tcp::listen_any;
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv1 [port]", 0, 13);
    let listenfd = listen_any(Domain::IPV4, port);
    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        if let Some(cli) = cliaddr.as_socket_ipv4() {
            unp::outln!("connection from {}, port {}", cli.ip(), cli.port());
        }
        wrap::write(&connfd, intro::daytime_reply().as_bytes());
        wrap::close(connfd);
    }
}
