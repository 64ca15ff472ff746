//! `httpd-epoll`, model 3: one thread multiplexing everything. One `epoll`
//! loop (the workspace's `unp::event::Reactor`) watches the listening
//! socket and every connection; each connection is a state machine
//! (`tinyhttpd::nonblocking::HttpConn`) that reads, answers and writes in
//! nonblocking steps, HTTP/1.1 with keep-alive and `sendfile(2)`.
//!
//! ```sh
//! httpd-epoll [port]               # httpd-epoll running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! The design's limit, kept on purpose: the loop runs a CGI program to its
//! end before it serves anyone else, so one slow CGI request stalls every
//! client (model 4 hands them to workers). Out of descriptors it prints
//! `accept error: Too many open files` once and accepts again when a
//! connection closes.

use std::os::fd::AsRawFd;

use tinyhttpd::nonblocking::OneLoop;
use tinyhttpd::{ignore_sigpipe, startup, Site};
use unp::event::{Backend, Interest, Reactor};
use unp::{book_args, OrDie};

fn main() {
    let (_, port) = book_args("usage: httpd-epoll [port]", 0, 4000);
    ignore_sigpipe();
    let site = Site::from_env();
    let (listener, port) = startup(port);
    listener.set_nonblocking(true).or_die("fcntl error");
    unp::outln!("httpd-epoll running on port {port}");

    let mut reactor = Reactor::new(Backend::Epoll).or_die("epoll_create error");
    let fd = listener.as_raw_fd();
    reactor
        .register(fd, Interest::READ, OneLoop::Listener(listener, &site))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
}
