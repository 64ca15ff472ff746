//! tcpsend01: send normal and urgent data in turn, one second apart
//! (Figure 24.3, `oob/tcpsend01.c`).
//!
//! Writes `123`, sends `4` with `MSG_OOB`, writes `56`, sends `7` with
//! `MSG_OOB`, writes `89`, and prints a line after each; the `sleep(1)`
//! after each step puts every write in a segment of its own, so that the
//! receiver sees them one by one.
//!
//! Run: `tcprecv01 9999 &` then `tcpsend01 127.0.0.1 9999`.
//!
//! The same source builds tcpsend02 and tcpsend03, the book's copies of
//! this program; each names itself in its usage line.
//!
//! Differs from the C: nothing; the port is the book's own `<port#>`
//! argument.

use std::thread::sleep;
use std::time::Duration;

use unp::args::{arguments, Role};
use unp::{err_quit, tcp_connect, wrap, OrDie};

pub fn main() {
    let usage = concat!("usage: ", env!("CARGO_BIN_NAME"), " <host> <port#>");
    let args = arguments(usage, Role::Client);
    let [host, port] = args.as_slice() else {
        err_quit(usage);
    };
    let sockfd = tcp_connect(host, port);

    wrap::write(&sockfd, b"123");
    unp::outln!("wrote 3 bytes of normal data");
    sleep(Duration::from_secs(1));
    sockfd.send_out_of_band(b"4").or_die("send error");
    unp::outln!("wrote 1 byte of OOB data");
    sleep(Duration::from_secs(1));
    wrap::write(&sockfd, b"56");
    unp::outln!("wrote 2 bytes of normal data");
    sleep(Duration::from_secs(1));
    sockfd.send_out_of_band(b"7").or_die("send error");
    unp::outln!("wrote 1 byte of OOB data");
    sleep(Duration::from_secs(1));
    wrap::write(&sockfd, b"89");
    unp::outln!("wrote 2 bytes of normal data");
    sleep(Duration::from_secs(1));

    std::process::exit(0);
}
