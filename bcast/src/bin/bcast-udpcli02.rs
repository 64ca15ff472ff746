//! `bcast/dgclibcast2.c` (main in `bcast/udpcli02.c`; not a figure: §20.5's
//! "incorrect version"): `bcast-udpcli01` with `alarm(1)` and a `sleep(1)`
//! after each reply, to make the race happen.
//!
//! The first reply arrives well within the second, and the program then
//! sleeps a second: the alarm fires during the sleep (ending it), not in
//! `recvfrom`. The handler returns, the reply is printed, and the next
//! `recvfrom` blocks for ever: the program hangs after printing the
//! replies, where it should have read the next line.
//!
//! Run: `bcast-udpcli02 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli02 10.0.1.255` on host A of `scripts/netlab` (it hangs:
//! end it with Ctrl-C).
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte).

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::{alarm, sleep};
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
        alarm::set(1);
        loop {
            match udp::recvfrom(sockfd, &mut recvline) {
                Err(err) if err.raw_os_error() == Some(libc::EINTR) => break, // waited long enough
                Err(err) => unp::err_sys(&err, "recvfrom error"),
                Ok((n, preply_addr)) => {
                    // libc sleep(3): ends early when a signal is handled.
                    sleep(1);
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
    bcast::udpcli("usage: udpcli02 <IPaddress> [port]", dg_cli);
}
