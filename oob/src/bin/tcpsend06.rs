//! tcpsend06: two urgent bytes in quick succession (Figure 24.13,
//! `oob/tcpsend06.c`).
//!
//! Writes `123`, sends `4` with `MSG_OOB`, writes `5`, sends `6` with
//! `MSG_OOB`, writes `7`. TCP keeps one urgent pointer: the second send
//! moves it, and `4` becomes normal data. tcprecv06 shows the single mark,
//! before `6`.
//!
//! Run: `tcprecv06 9999 &` then `tcpsend06 127.0.0.1 9999`.
//!
//! Differs from the C: nothing; the port is the book's own `<port#>`
//! argument.

use unp::args::{arguments, Role};
use unp::{err_quit, tcp_connect, wrap, OrDie};

fn main() {
    let usage = "usage: tcpsend06 <host> <port#>";
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
    sockfd.send_out_of_band(b"6").or_die("send error");
    unp::outln!("wrote 1 byte of OOB data");
    wrap::write(&sockfd, b"7");
    unp::outln!("wrote 1 byte of normal data");

    std::process::exit(0);
}
