//! `nonblock-tcpcli04` (`nonblock/tcpcli04.c`, no figure): the echo client
//! of Figure 5.4 with `SO_LINGER` set to on and zero **before** `str_cli`.
//!
//! The echo works as usual; but when stdin ends and the process exits, the
//! kernel's close of the socket sends an RST instead of a FIN, and discards
//! anything still unsent. The server's next read fails with `ECONNRESET`
//! ("Connection reset by peer") where it would have read an end of file: a
//! server must treat that as a client gone, not as a fatal error.
//!
//! Run: `nonblock-tcpcli04 <IPaddress> [port]` (default 9877), e.g. against
//! `tcpserv04 [port]`.
//!
//! Differences from the C: the optional port argument; a line holding a NUL
//! byte is sent and its echo printed whole, where the C stops at the NUL
//! (`strlen`, `fputs`).

use std::io;
use std::time::Duration;

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap, OrDie};

fn main() {
    let (addr, port) = tcpcli_args(unp::SERV_PORT);
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sock, &servaddr_v4(&addr, port));

    sock.set_linger(Some(Duration::ZERO))
        .or_die("setsockopt error"); // the exit's close sends an RST

    str_cli(&mut io::stdin().lock(), &sock); // do it all
}
