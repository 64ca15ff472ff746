//! Exercise 1.5, `intro/daytimetcpsrv2.c`: a daytime server on port 9999
//! that writes its reply one byte per `write`.
//!
//! Paired with `daytimetcpcli2`, whose read counter shows that TCP keeps
//! no record boundaries: 26 writes may arrive as anything from 1 to 26
//! reads.
//!
//! Run: `daytimetcpsrv2 [port]` (default 9999, no root needed).
//!
//! Differences from the C: the optional port argument.

use socket2::Domain;
use unp::tcp::listen_any;
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv2 [port]", 0, 9999);
    let listenfd = listen_any(Domain::IPV4, port);
    loop {
        let (connfd, _) = wrap::accept(&listenfd);
        for byte in intro::daytime_reply().as_bytes() {
            wrap::write(&connfd, std::slice::from_ref(byte));
        }
        wrap::close(connfd);
    }
}
