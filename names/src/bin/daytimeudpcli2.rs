//! `names/daytimeudpcli2.c`: [`daytimeudpcli1`] over `udp_connect`: a
//! connected UDP socket, so `write` and `read` replace `sendto` and
//! `recvfrom`, and an ICMP port unreachable comes back as an error.
//!
//! Run: `daytimeudpsrv2 40013 &`, then `daytimeudpcli2 127.0.0.1 40013`
//! prints the time. With no server on the port it prints `read error:
//! Connection refused` on stderr and exits 1 (the lesson of §8.11; `udp_connect` is §11.15).
//!
//! Differs from the C: the reply is printed as bytes, all of it.
//!
//! [`daytimeudpcli1`]: ../daytimeudpcli1/index.html

use std::io::{self, Write};

use unp::udp::udp_connect;
use unp::{err_quit, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimeudpcli2 <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage);
    };

    let sockfd = udp_connect(host, serv);
    wrap::write(&sockfd, b"\0"); // a 1-byte datagram
    let mut recvline = [0u8; MAXLINE];
    let n = wrap::read(&sockfd, &mut recvline);
    io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    io::stdout().flush().or_die("fputs error");
}
