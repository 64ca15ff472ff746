//! Figure 11.16, `names/daytimeudpcli1.c`: the protocol-independent UDP
//! daytime client. `udp_client` looks up the host and service and returns
//! an unconnected socket and the server's address; the client sends a
//! 1-byte datagram (the request: any datagram) and prints the reply.
//!
//! Run: `daytimeudpsrv2 40013 &`, then `daytimeudpcli1 127.0.0.1 40013`
//! prints `sending to 127.0.0.1`, then the time.
//!
//! No timeout, as in the book: with no server it waits in `recvfrom`
//! forever, since an unconnected UDP socket is never told of the ICMP port
//! unreachable (§8.9). `daytimeudpcli2` connects and is told.
//!
//! Differs from the C: the reply is printed as bytes, all of it (the C stops
//! at its first NUL).

use std::io::{self, Write};

use unp::udp::{recvfrom, sendto, udp_client};
use unp::{err_quit, sock_ntop_host, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimeudpcli1 <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage);
    };

    let (sockfd, sa) = udp_client(Some(host), serv);
    unp::outln!("sending to {}", sock_ntop_host(&sa));

    sendto(&sockfd, b"\0", &sa); // a 1-byte datagram
    let mut recvline = [0u8; MAXLINE];
    let (n, _) = recvfrom(&sockfd, &mut recvline).or_die("recvfrom error");
    io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    io::stdout().flush().or_die("fputs error");
}
