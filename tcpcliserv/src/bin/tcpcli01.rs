//! tcpcli01: the TCP echo client (Figure 5.4, `tcpcliserv/tcpcli01.c`).
//!
//! Connects to the echo server, then `str_cli` (Figure 5.5): each line read
//! from stdin goes to the server and the line that comes back goes to
//! stdout, until end of input. If the server goes away first (kill its child,
//! §5.12), the next reply is end of file and the client dies with
//! `str_cli: server terminated prematurely`.
//!
//! Run: `tcpserv01 &` then `tcpcli01 127.0.0.1` (port 9877), or with the
//! port convention `tcpserv01 40000 &` and `tcpcli01 127.0.0.1 40000`.
//!
//! Differs from the C: the optional port argument; a line holding a NUL
//! byte is sent whole, where the C sends it up to the NUL (`strlen`) and
//! then waits for ever for its echo (`unp::str_cli`).

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap, SERV_PORT};

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&mut std::io::stdin().lock(), &sockfd);
}
