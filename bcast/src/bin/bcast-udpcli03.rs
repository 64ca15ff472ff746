//! Figure 20.6, `bcast/dgclibcast3.c` (main in `bcast/udpcli03.c`): the
//! broadcast client with `SIGALRM` blocked except around `recvfrom`; still
//! wrong.
//!
//! The signal mask keeps the alarm from being handled while a reply is
//! printed, but an alarm that fires then stays pending and is delivered
//! as soon as `sigprocmask` unblocks it, just before `recvfrom`: the handler
//! runs, `recvfrom` starts afterwards and blocks for ever. Unblocking and
//! blocking in two calls leaves the window of `bcast-udpcli01` open.
//!
//! Run: `bcast-udpcli03 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli03 10.0.1.255` on host A of `scripts/netlab`.
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte).

use nix::sys::signal::{sigprocmask, SigHandler, SigSet, SigmaskHow, Signal};
use nix::unistd::alarm;
use socket2::{SockAddr, Socket};
use std::io::BufRead;
use unp::{udp, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    sockfd.set_broadcast(true).or_die("setsockopt error");
    let mut sigset_alrm = SigSet::empty();
    sigset_alrm.add(Signal::SIGALRM);
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            sigprocmask(SigmaskHow::SIG_UNBLOCK, Some(&sigset_alrm), None)
                .or_die("sigprocmask error");
            let n = udp::recvfrom(sockfd, &mut recvline);
            sigprocmask(SigmaskHow::SIG_BLOCK, Some(&sigset_alrm), None)
                .or_die("sigprocmask error");
            match n {
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
    bcast::udpcli("usage: udpcli03 <IPaddress> [port]", dg_cli);
}
