//! tcpcli08: the client of the text sum server (§5.18,
//! `tcpcliserv/tcpcli08.c` with `str_cli08.c`).
//!
//! The book links it with `str_cli08.c`, which is line for line the
//! library's `str_cli`: each line typed goes to tcpserv08, which answers
//! with the sum of the two numbers on it (`3 4` gives `7`) or
//! `input error`. Text crosses machines of any byte order unharmed, which
//! the binary version (tcpcli09) does not.
//!
//! Run: `tcpserv08 &` then `tcpcli08 127.0.0.1` (port 9877), or
//! `tcpcli08 127.0.0.1 <port>`.
//!
//! Differs from the C: it calls the library's `str_cli`, not a copy; the
//! optional port argument; a line holding a NUL byte is sent
//! and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap, SERV_PORT};

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&mut std::io::stdin().lock(), &sockfd);
}
