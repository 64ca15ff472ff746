//! `advio/daytimeudpcli4.c` (§14.7): the UDP daytime client of
//! `daytimeudpcli3` on a connected socket.
//!
//! `udp_connect` records the server as the socket's peer, so it prints
//! `connected to H` from `getpeername`, sends its request with `write`,
//! peeks with `recv(MSG_PEEK)`, asks `FIONREAD`, prints
//! `N bytes from PEEK, M bytes pending`, and reads the reply with `read`.
//!
//! Run: `daytimeudpcli4 <hostname or IPaddress> <service or port#>`.
//!
//! Differences from the C: the request is the 1-byte datagram its comment
//! describes (the C writes 2 bytes from a 1-byte string literal, reading
//! past its end); the reply is written whole, NUL bytes included.

use std::io::{self, Write};
use std::os::fd::AsRawFd;

use nix::sys::socket::{recv, MsgFlags};
use unp::{udp, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: a.out <hostname or IPaddress> <service or port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.len() != 2 {
        unp::err_quit(usage);
    }
    let sockfd = udp::udp_connect(&args[0], &args[1]);
    let ss = wrap::getpeername(&sockfd);
    unp::outln!("connected to {}", unp::sock_ntop_host(&ss));

    wrap::write(&sockfd, &[0]); // send 1-byte datagram

    let mut recvline = [0u8; MAXLINE];
    let n = recv(sockfd.as_raw_fd(), &mut recvline, MsgFlags::MSG_PEEK).or_die("recv error");
    let nq = advio::fionread(&sockfd);
    unp::outln!("{n} bytes from PEEK, {nq} bytes pending");

    let n = wrap::read(&sockfd, &mut recvline);
    io::stdout().write_all(&recvline[..n]).or_die("fputs error");
}
