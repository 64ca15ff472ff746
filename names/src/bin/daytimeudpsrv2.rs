//! Figure 11.19, `names/daytimeudpsrv2.c`: the protocol-independent UDP
//! daytime server. `udp_server` binds the service (and the host, which
//! chooses the family, if given); every datagram, whatever it holds, gets
//! the time back.
//!
//! Run: `daytimeudpsrv2 40013 &` (or `daytimeudpsrv2 :: 40013` for IPv6
//! and IPv4 clients), then `daytimeudpcli1 127.0.0.1 40013`. Prints
//! `datagram from A:P` per request.
//!
//! Differs from the C: nothing but the common rules (the usage line names
//! `daytimeudpsrv`, as the C's does).

use unp::time::ctime_now;
use unp::udp::{recvfrom, sendto, udp_server};
use unp::{err_quit, sock_ntop, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimeudpsrv [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let sockfd = match &args[..] {
        [serv] => udp_server(None, serv),
        [host, serv] => udp_server(Some(host), serv),
        _ => err_quit(usage),
    };

    let mut buff = [0u8; MAXLINE];
    loop {
        let (_, cliaddr) = recvfrom(&sockfd, &mut buff).or_die("recvfrom error");
        unp::outln!("datagram from {}", sock_ntop(&cliaddr));

        let reply = format!("{}\r\n", ctime_now());
        sendto(&sockfd, reply.as_bytes(), &cliaddr);
    }
}
