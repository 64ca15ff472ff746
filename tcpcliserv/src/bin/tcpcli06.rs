//! tcpcli06: a client that sends a line without its newline
//! (`tcpcliserv/tcpcli06.c`, a test program with no figure, written "to
//! break tcpservselect01").
//!
//! Connects, writes the three bytes `foo` and no newline, sleeps 30 seconds
//! and exits 0. Against a server that reads whole lines in its one process
//! (the `readline` denial of service of §6.8) this would stall every other
//! client; the book's tcpservselect01 and tcpservpoll01 read raw bytes, so
//! they echo `foo` and go on serving the others, as the tests show.
//!
//! Run: `tcpservselect01 &` then `tcpcli06 127.0.0.1` (port 9877), or
//! `tcpcli06 127.0.0.1 <port>`.
//!
//! Differs from the C: the optional port argument; nothing else.

use std::thread::sleep;
use std::time::Duration;

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, wrap, writen, OrDie, SERV_PORT};

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    writen(&sockfd, b"foo").or_die("writen error"); // no newline
    sleep(Duration::from_secs(30));
}
