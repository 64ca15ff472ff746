//! Figure 1.9, `intro/daytimetcpsrv.c`: an iterative TCP daytime server.
//!
//! Accepts one client at a time, writes the time as `ctime` gives it
//! (24 characters and `\r\n`), closes, and accepts the next.
//!
//! Run: `daytimetcpsrv` binds port 13, which needs root (without it:
//! `bind error: Permission denied`); `daytimetcpsrv 40013` binds 40013.
//!
//! Differences from the C: the optional port argument.

use socket2::Domain;
use unp::tcp::listen_any;
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv [port]", 0, 13);
    let listenfd = listen_any(Domain::IPV4, port);
    loop {
        let (connfd, _) = wrap::accept(&listenfd);
        wrap::write(&connfd, intro::daytime_reply().as_bytes());
        wrap::close(connfd);
    }
}
