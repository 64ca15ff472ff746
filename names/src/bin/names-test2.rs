//! `names/test2.c`: [`daytimeudpcli1`] that binds the wildcard address
//! (port 0) of the server's family itself before sending, and prints what
//! it bound.
//!
//! Run: `daytimeudpsrv2 40013 &`, then `names-test2 127.0.0.1 40013`
//! prints `bound 0.0.0.0`, `sending to 127.0.0.1`, then the time (`bound
//! ::` for an IPv6 server). The address printed is the one passed to
//! `bind`, not re-read: no port shows, although the kernel chose one.
//!
//! Differs from the C: the name (`test2` is also in test/); the reply is
//! printed as bytes, all of it.
//!
//! [`daytimeudpcli1`]: ../daytimeudpcli1/index.html

use std::io::{self, Write};

use unp::udp::{recvfrom, sendto, sock_set_port, sock_set_wild, udp_client};
use unp::{err_quit, sock_ntop, sock_ntop_host, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: test2 <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage);
    };

    let (sockfd, sa) = udp_client(Some(host), serv);

    // The wildcard address and port 0 of the server's family.
    let sabind = sock_set_port(&sock_set_wild(&sa), 0);
    wrap::bind(&sockfd, &sabind);
    unp::outln!("bound {}", sock_ntop(&sabind));

    unp::outln!("sending to {}", sock_ntop_host(&sa));
    sendto(&sockfd, b"\0", &sa); // a 1-byte datagram
    let mut recvline = [0u8; MAXLINE];
    let (n, _) = recvfrom(&sockfd, &mut recvline).or_die("recvfrom error");
    io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    io::stdout().flush().or_die("fputs error");
}
