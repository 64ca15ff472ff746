//! `names/daytimeudpsrv3.c` with `names/udp_server_reuseaddr.c`:
//! [`daytimeudpsrv2`] that sets `SO_REUSEADDR` before its bind, to run
//! several servers on one UDP port.
//!
//! Run: `daytimeudpsrv3 40013 &` twice: both bind. On Linux the second bind
//! succeeds only if every socket on the port set `SO_REUSEADDR`: against a
//! running `daytimeudpsrv2` (which does not) it fails with `udp_server
//! error for (null), 40013: Address already in use`. A datagram to
//! 127.0.0.1 then reaches one of them only: for unicast, the kernel picks.
//!
//! Differs from the C: `udp_server_reuseaddr` is
//! [`unp::udp::udp_server_with`] and an option set before the bind, not a
//! second copy of `udp_server`.
//!
//! [`daytimeudpsrv2`]: ../daytimeudpsrv2/index.html

use unp::time::ctime_now;
use unp::udp::{recvfrom, sendto, udp_server_with};
use unp::{err_quit, sock_ntop, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimeudpsrv [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let reuseaddr = |sock: &socket2::Socket| sock.set_reuse_address(true);
    let sockfd = match &args[..] {
        [serv] => udp_server_with(None, serv, reuseaddr),
        [host, serv] => udp_server_with(Some(host), serv, reuseaddr),
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
