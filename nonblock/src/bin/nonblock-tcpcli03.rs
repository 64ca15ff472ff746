//! `nonblock-tcpcli03` (`nonblock/tcpcli03.c`, Figure 16.21): connect to the
//! echo server, set `SO_LINGER` to on with a zero linger time, and close:
//! the close sends an RST instead of a FIN, right after the handshake.
//!
//! Against `tcpservselect03` this is the client of the §16.6 race: the
//! connection is aborted while the server sleeps between `select` and
//! `accept`. See `tcpservselect03` for what Linux does with it.
//!
//! Run: `nonblock-tcpcli03 <IPaddress> [port]` (default 9877).
//!
//! Differences from the C: the optional port argument.

use std::time::Duration;

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, wrap, OrDie};

fn main() {
    let (addr, port) = tcpcli_args(unp::SERV_PORT);
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sock, &servaddr_v4(&addr, port));

    sock.set_linger(Some(Duration::ZERO))
        .or_die("setsockopt error"); // close() now sends an RST
    wrap::close(sock);
}
