//! `udpcliserv/dgclibig.c` (main in `udpcli10.c`), an exercise of chapter 8:
//! send one datagram of the largest size UDP over IPv4 allows.
//!
//! Raises `SO_SNDBUF` and `SO_RCVBUF` to 70000 bytes, sends one datagram of
//! 65507 bytes (65535 minus the IPv4 and UDP headers) and prints
//! `received N bytes` for the reply. Against `udpserv01`, whose `dg_echo`
//! reads into a `MAXLINE` (4096-byte) buffer, the reply is the first 4096
//! bytes: the rest of the request was discarded when the server read it.
//!
//! Run: `udpcli10 <hostname> <service>`, e.g. `udpcli10 127.0.0.1 9877`
//! against `udpserv01`.
//!
//! Differences from the C: its usage line names `udpcli02`, this one
//! `udpcli10`; the datagram holds zeros (the C sends an uninitialised
//! buffer).

use socket2::{SockAddr, Socket};
use unp::{udp, OrDie};

const MAXLINE: usize = 65507;

fn dg_cli(sockfd: &Socket, pservaddr: &SockAddr) {
    let size = 70000;
    sockfd.set_send_buffer_size(size).or_die("setsockopt error");
    sockfd.set_recv_buffer_size(size).or_die("setsockopt error");
    let sendline = vec![0u8; MAXLINE];
    udp::sendto(sockfd, &sendline, pservaddr);
    let mut recvline = vec![0u8; MAXLINE];
    let (n, _) = udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
    unp::outln!("received {n} bytes");
}

fn main() {
    let usage = "usage: udpcli10 <hostname> <service>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.len() != 2 {
        unp::err_quit(usage);
    }
    let (sockfd, sa) = udp::udp_client(Some(&args[0]), &args[1]);
    dg_cli(&sockfd, &sa);
}
