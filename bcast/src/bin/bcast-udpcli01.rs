//! Figure 20.5, `bcast/dgclibcast1.c` (main in `bcast/udpcli01.c`): the
//! broadcast client, its wait ended by `alarm`.
//!
//! Each line of stdin goes once to `<IPaddress>`, port 13 (the daytime
//! service), with `SO_BROADCAST` set so that the address may be a subnet's
//! broadcast address; then every reply is printed, `from <address>:
//! <reply>`, for 5 seconds: `alarm(5)`, and the `SIGALRM` handler returns,
//! so the blocked `recvfrom` fails with `EINTR` (the handler is installed
//! without `SA_RESTART`) and the loop ends. The race of §20.5: if the alarm
//! fires while the program is printing a reply, the handler runs there,
//! and the next `recvfrom` blocks for ever.
//!
//! Run: `bcast-udpcli01 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli01 10.0.1.255` on host A of `scripts/netlab`, with
//! `udpserv01 13` running on B and C (README "A network on one machine").
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte).

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use socket2::{SockAddr, Socket};
use std::io::BufRead;
use unp::{udp, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    sockfd.set_broadcast(true).or_die("setsockopt error");
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            match udp::recvfrom(sockfd, &mut recvline) {
                Err(err) if err.raw_os_error() == Some(libc::EINTR) => break, // waited long enough
                Err(err) => unp::err_sys(&err, "recvfrom error"),
                Ok((n, preply_addr)) => {
                    bcast::print_reply(&preply_addr, &recvline[..n]);
                }
            }
        }
    }
}

extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    // Nothing: the signal is here to interrupt recvfrom.
}

fn main() {
    bcast::udpcli("usage: udpcli01 <IPaddress> [port]", dg_cli);
}
