//! `httpd-iterative`, model 1: the iterative server. One thread accepts a
//! connection, serves all its requests (HTTP/1.1, keep-alive), closes it
//! and only then accepts the next, as the book's first servers do
//! (Figure 1.9). A client that keeps its connection open, or sends slowly,
//! holds up everyone behind it until it closes or its read timeout ends.
//!
//! ```sh
//! httpd-iterative [port]           # httpd-iterative running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! Not in Tinyhttpd: the seed's first concurrency model on the crate's
//! shared HTTP core, speaking HTTP/1.1 (keep-alive, `Content-Length`,
//! `sendfile(2)`, HEAD) where the faithful `httpd` speaks HTTP/1.0.

use std::net::TcpStream;

use tinyhttpd::{blocking, ignore_sigpipe, startup, Dialect, Site};
use unp::{book_args, wrap};

fn main() {
    let (_, port) = book_args("usage: httpd-iterative [port]", 0, 4000);
    ignore_sigpipe();
    let site = Site::from_env();
    let (listener, port) = startup(port);
    unp::outln!("httpd-iterative running on port {port}");

    loop {
        let (connfd, _cliaddr) = wrap::accept(&listener);
        blocking::serve(TcpStream::from(connfd), &site, Dialect::Http11);
    }
}
