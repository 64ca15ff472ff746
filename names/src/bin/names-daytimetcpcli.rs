//! Figure 11.11, `names/daytimetcpcli.c`: the protocol-independent daytime
//! client. `tcp_connect` looks up the host and the service with
//! `getaddrinfo` and connects to the first address that answers, IPv4 or
//! IPv6; the program never names a family.
//!
//! Run: `names-daytimetcpcli 127.0.0.1 13`, `names-daytimetcpcli ::1
//! 40013` or `names-daytimetcpcli localhost daytime` prints `connected to
//! ::1` (the peer's address, from `getpeername`), then the time.
//! `tcp_connect error for H, S: <error>` on stderr and exit 1 when the
//! lookup or every connect fails.
//!
//! Differs from the C: the name (intro's `daytimetcpcli`, Figure 1.5, came
//! first); the reply is copied as bytes, a NUL included; a numeric service
//! outside 0-65535 is refused ([`unp::getaddrinfo`]).

use std::io::{self, Write};

use unp::{err_quit, sock_ntop_host, tcp_connect, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimetcpcli <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage);
    };

    let sockfd = tcp_connect(host, serv);
    let ss = wrap::getpeername(&sockfd);
    unp::outln!("connected to {}", sock_ntop_host(&ss));

    let mut recvline = [0u8; MAXLINE];
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
}
