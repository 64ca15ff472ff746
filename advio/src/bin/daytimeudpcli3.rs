//! `advio/daytimeudpcli3.c` (§14.7): a protocol-independent UDP daytime
//! client that peeks at the reply and asks `FIONREAD` for its size.
//!
//! It prints `sending to H`, sends a 1-byte datagram (the daytime service
//! answers any datagram), then `recvfrom` with `MSG_PEEK` and
//! `ioctl(FIONREAD)` report `N bytes from PEEK, M bytes pending` (for UDP,
//! `FIONREAD` is the size of the next datagram) before the real `recvfrom`
//! takes the reply and prints it.
//!
//! Run: `daytimeudpcli3 <hostname or IPaddress> <service or port#>`, e.g.
//! `daytimeudpcli3 localhost daytime` against a UDP daytime server.
//!
//! Differences from the C: the reply is written whole, NUL bytes included.

use std::io::{self, Write};
use std::os::fd::AsRawFd;

use nix::sys::socket::{recv, MsgFlags};
use unp::{udp, OrDie, MAXLINE};

fn main() {
    let usage = "usage: a.out <hostname or IPaddress> <service or port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.len() != 2 {
        unp::err_quit(usage);
    }
    let (sockfd, sa) = udp::udp_client(Some(&args[0]), &args[1]);
    unp::outln!("sending to {}", unp::sock_ntop_host(&sa));

    udp::sendto(&sockfd, &[0], &sa); // send 1-byte datagram

    let mut recvline = [0u8; MAXLINE];
    let n = recv(sockfd.as_raw_fd(), &mut recvline, MsgFlags::MSG_PEEK).or_die("recvfrom error");
    let nq = advio::fionread(&sockfd);
    unp::outln!("{n} bytes from PEEK, {nq} bytes pending");

    let (n, _) = udp::recvfrom(&sockfd, &mut recvline).or_die("recvfrom error");
    io::stdout().write_all(&recvline[..n]).or_die("fputs error");
}
