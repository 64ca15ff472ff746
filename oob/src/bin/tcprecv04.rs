//! tcprecv04: urgent data in line, found with `sockatmark`
//! (Figure 24.10, `oob/tcprecv04.c`).
//!
//! It sets `SO_OOBINLINE` on the listening socket (the connected socket
//! inherits it), so the urgent byte stays in the normal data; sleeps 5
//! seconds so that everything the sender writes has arrived; then before
//! each read asks `sockatmark` whether the next byte is the urgent one.
//! With tcpsend04: `read 3 bytes: 123`, `at OOB mark`, `read 2 bytes: 45`, `received EOF`: the first read stops at the mark, so the urgent byte `4` starts the second.
//!
//! Run: `tcprecv04 9999 &` then `tcpsend04 127.0.0.1 9999`.
//!
//! The same source builds tcprecv06, the book's copy of this program for
//! tcpsend06; each names itself in its usage line.
//!
//! Differs from the C: nothing.

use std::thread::sleep;
use std::time::Duration;

use oob::{listen_args, sockatmark};
use unp::{wrap, OrDie};

pub fn main() {
    let listenfd = listen_args(concat!(
        "usage: ",
        env!("CARGO_BIN_NAME"),
        " [ <host> ] <port#>"
    ));
    listenfd
        .set_out_of_band_inline(true)
        .or_die("setsockopt error");
    let (connfd, _) = wrap::accept(&listenfd);

    sleep(Duration::from_secs(5));

    let mut buff = [0u8; 100];
    loop {
        if sockatmark(&connfd) {
            unp::outln!("at OOB mark");
        }
        let n = wrap::read(&connfd, &mut buff[..99]);
        if n == 0 {
            unp::outln!("received EOF");
            std::process::exit(0);
        }
        unp::outln!("read {n} bytes: {}", String::from_utf8_lossy(&buff[..n]));
    }
}
