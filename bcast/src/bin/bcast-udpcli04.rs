//! Figure 20.7, `bcast/dgclibcast4.c` (main in `bcast/udpcli04.c`): the
//! broadcast client with `pselect`, the first correct way.
//!
//! `SIGALRM` stays blocked all the time, except inside `pselect`, which
//! installs the empty mask and waits for the socket in one system call:
//! an alarm that fired while a reply was printed stays pending and ends
//! the very next `pselect` with `EINTR`. There is no moment when the signal
//! can be handled and a wait then start. A readable socket is then read
//! with `recvfrom`.
//!
//! Run: `bcast-udpcli04 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli04 10.0.1.255` on host A of `scripts/netlab`.
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte). `pselect(2)` is the kernel's (glibc's,
//! through nix), as in the book's Linux build: the book's own `lib/pselect.c`
//! emulation, which has the race, is not used. A `pselect` returning
//! anything but 1 prints `pselect error: returned N` alone, where the C's
//! `err_sys` adds the text of a stale `errno`.

use nix::sys::select::{pselect, FdSet};
use nix::sys::signal::{sigprocmask, SigHandler, SigSet, SigmaskHow, Signal};
use nix::unistd::alarm;
use socket2::{SockAddr, Socket};
use std::io::{self, BufRead};
use std::os::fd::AsFd;
use unp::{udp, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    sockfd.set_broadcast(true).or_die("setsockopt error");
    let sigset_empty = SigSet::empty();
    let mut sigset_alrm = SigSet::empty();
    sigset_alrm.add(Signal::SIGALRM);
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        sigprocmask(SigmaskHow::SIG_BLOCK, Some(&sigset_alrm), None).or_die("sigprocmask error");
        alarm::set(5);
        loop {
            let mut rset = FdSet::new();
            rset.insert(sockfd.as_fd());
            match pselect(None, &mut rset, None, None, None, &sigset_empty) {
                Err(nix::errno::Errno::EINTR) => break,
                Err(err) => unp::err_sys(&io::Error::from(err), "pselect error"),
                Ok(1) => {}
                Ok(n) => unp::err_quit(format!("pselect error: returned {n}")),
            }
            let (n, preply_addr) = udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
            bcast::print_reply(&preply_addr, &recvline[..n]);
        }
    }
}

extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    // Nothing: the signal is here to interrupt pselect.
}

fn main() {
    bcast::udpcli("usage: udpcli04 <IPaddress> [port]", dg_cli);
}
