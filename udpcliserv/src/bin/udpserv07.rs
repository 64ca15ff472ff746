//! Figure 8.22, `udpcliserv/dgecholoop2.c` (main in `udpserv07.c`): the
//! counting server of `udpserv06` with a larger socket receive buffer.
//!
//! Sets `SO_RCVBUF` to 220 KiB before counting, so more of a `udpcli06`
//! burst waits in the buffer instead of being dropped (§8.13). Linux caps
//! the request at `net.core.rmem_max` and then doubles it for its own
//! bookkeeping (socket(7)): `getsockopt` would show twice the capped value.
//!
//! Run: `udpserv07 [port]` (default 9877), `udpcli06 127.0.0.1 [port]`, then
//! Ctrl-C.
//!
//! Differences from the C: the optional port; the SIGINT handler is
//! async-signal-safe (see `udpserv06`). The C sets the buffer inside its
//! `dg_echo`; here `main` does, and the counting loop is `udpserv06`'s.

use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::{wrap, OrDie};

fn main() {
    let (_, port) = unp::book_args("usage: udpserv07 [port]", 0, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&sockfd, &SockAddr::from(servaddr));
    sockfd
        .set_recv_buffer_size(220 * 1024)
        .or_die("setsockopt error");
    udpcliserv::dg_echo_count(&sockfd);
}
