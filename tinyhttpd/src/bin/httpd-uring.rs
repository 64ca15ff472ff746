//! `httpd-uring`, the io_uring model: one thread, one ring, on the
//! workspace's io_uring loop (`unp::uring`, the loop of `uringserv02` and
//! `serv14`). One multishot accept takes every connection; each connection
//! has one multishot recv for its life into the loop's provided buffers;
//! each response is a send of a buffer the connection owns: the head, with
//! the file read into it with `pread(2)` a piece at a time (io_uring has no
//! `sendfile(2)`; `unp::uring` says why not splice). The HTTP is the other
//! models' (`tinyhttpd::completion::HttpUring`): HTTP/1.1, keep-alive,
//! `Content-Length` on everything, HEAD; each request within
//! `TINYHTTPD_TIMEOUT_MS`, a deadline the loop keeps with one timeout
//! request.
//!
//! ```sh
//! httpd-uring [port]               # httpd-uring running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! As in model 3, a CGI program runs to its end inside the loop and stalls
//! every other client meanwhile. Where io_uring or a provided buffer ring
//! (Linux 5.19) is missing: `httpd-uring: io_uring unavailable: <reason>`,
//! exit 1. Out of descriptors: `accept error: Too many open files` (at most
//! once every 10 s), no accept until a connection closes.

use tinyhttpd::completion::HttpUring;
use tinyhttpd::{ignore_sigpipe, startup, Site};
use unp::uring::{Config, Server};
use unp::{book_args, err_sys};

fn main() {
    let (_, port) = book_args("usage: httpd-uring [port]", 0, 4000);
    ignore_sigpipe();
    let site = Site::from_env();
    let (listener, port) = startup(port);
    let mut server = Server::with("httpd-uring", listener, Config::default(), || {
        HttpUring::new(&site)
    })
    .unwrap_or_else(|err| err_sys(&err, "httpd-uring: io_uring unavailable"));
    unp::outln!("httpd-uring running on port {port}");
    server.run(|_| {})
}
