//! Figure 20.9, `bcast/dgclibcast6.c` (main in `bcast/udpcli06.c`): the
//! broadcast client whose `SIGALRM` handler writes to a pipe.
//!
//! The handler writes one byte to a pipe, and the loop waits in `select`
//! on both the socket and the pipe's read end. Wherever the alarm finds the
//! program, the byte stays in the pipe until `select` sees it: the alarm
//! cannot be lost. `select` interrupted by the signal (`EINTR`) simply
//! waits again; the pipe says the time is up. The same self-pipe is how
//! the workspace's event loop (`unp::event`) takes signals.
//!
//! Run: `bcast-udpcli06 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli06 10.0.1.255` on host A of `scripts/netlab`.
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte). The usage line is the C's, which says
//! `udpcli02`.

use nix::sys::select::{select, FdSet};
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::{alarm, pipe};
use socket2::{SockAddr, Socket};
use std::io::{self, BufRead};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicI32, Ordering};
use unp::{udp, wrap, OrDie, MAXLINE};

/// The write end of the pipe, for the handler.
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    sockfd.set_broadcast(true).or_die("setsockopt error");
    let (pipe_read, pipe_write) = pipe().or_die("pipe error");
    PIPE_WRITE.store(pipe_write.as_raw_fd(), Ordering::SeqCst);
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            let mut rset = FdSet::new();
            rset.insert(sockfd.as_fd());
            rset.insert(pipe_read.as_fd());
            match select(None, &mut rset, None, None, None) {
                Err(nix::errno::Errno::EINTR) => continue,
                Err(err) => unp::err_sys(&io::Error::from(err), "select error"),
                Ok(_) => {}
            }
            if rset.contains(sockfd.as_fd()) {
                let (n, preply_addr) =
                    udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
                bcast::print_reply(&preply_addr, &recvline[..n]);
            }
            if rset.contains(pipe_read.as_fd()) {
                wrap::read(&pipe_read, &mut [0u8; 1]); // timer expired
                break;
            }
        }
    }
}

extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    unp::signal::write_in_handler(PIPE_WRITE.load(Ordering::SeqCst), &[b"\0"]);
}

fn main() {
    bcast::udpcli("usage: udpcli02 <IPaddress> [port]", dg_cli);
}
