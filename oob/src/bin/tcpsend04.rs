//! tcpsend04: normal data, one urgent byte, more normal data, at once
//! (Figure 24.9, `oob/tcpsend04.c`).
//!
//! Writes `123`, sends `4` with `MSG_OOB`, writes `5`, without pauses: the
//! receiver, tcprecv04, reads them all in line and finds the mark with
//! `sockatmark`.
//!
//! Run: `tcprecv04 9999 &` then `tcpsend04 127.0.0.1 9999`.
//!
//! Differs from the C: nothing; the port is the book's own `<port#>`
//! argument.

use unp::args::{arguments, Role};
use unp::{err_quit, tcp_connect, wrap, OrDie};

fn main() {
    let usage = "usage: tcpsend04 <host> <port#>";
    let args = arguments(usage, Role::Client);
    let [host, port] = args.as_slice() else {
        err_quit(usage);
    };
    let sockfd = tcp_connect(host, port);

    wrap::write(&sockfd, b"123");
    unp::outln!("wrote 3 bytes of normal data");
    sockfd.send_out_of_band(b"4").or_die("send error");
    unp::outln!("wrote 1 byte of OOB data");
    wrap::write(&sockfd, b"5");
    unp::outln!("wrote 1 byte of normal data");

    std::process::exit(0);
}
