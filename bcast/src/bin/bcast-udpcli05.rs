//! Figure 20.8, `bcast/dgclibcast5.c` (main in `bcast/udpcli05.c`): the
//! broadcast client whose `SIGALRM` handler decides where the program goes
//! next, the book's `sigsetjmp`/`siglongjmp` way.
//!
//! In the C, `sigsetjmp` marks the top of the receive loop and the handler
//! `siglongjmp`s there: wherever the alarm finds the program (blocked in
//! `recvfrom`, printing a reply, between the two), control leaves for the
//! `break`, so the alarm can never be lost.
//!
//! Rust has no `sigsetjmp`: a function that returns twice is undefined
//! behaviour for the compiler, and a jump over Rust frames skips their
//! destructors (a `siglongjmp` out of `printf` would leave the stdout lock
//! held). The mapping kept here is the lesson's: the handler, not the
//! loop, decides, and it leaves its decision where the loop cannot miss
//! it. It makes the socket nonblocking (`fcntl(2)`, async-signal-safe): a
//! `recvfrom` blocked when the alarm fires fails with `EINTR`, and one
//! called after the alarm (wherever the alarm fired) returns whatever is
//! already queued and then fails with `EAGAIN`. Either failure is the
//! `sigsetjmp` return: `break`. The next line makes the socket blocking
//! again before it sends.
//!
//! Run: `bcast-udpcli05 <IPaddress> [port]` (default 13), e.g.
//! `bcast-udpcli05 10.0.1.255` on host A of `scripts/netlab`.
//!
//! Differences from the C: the jump replaced as above (replies already
//! queued when the alarm fires are printed before the loop ends; the C's
//! jump leaves them for the next line); the optional port; a reply is
//! printed whole (the C's `%s` stops at a NUL byte).

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use socket2::{SockAddr, Socket};
use std::io::BufRead;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use unp::{udp, OrDie, MAXLINE};

/// The socket the handler marks.
static SOCKFD: AtomicI32 = AtomicI32::new(-1);

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    sockfd.set_broadcast(true).or_die("setsockopt error");
    SOCKFD.store(sockfd.as_raw_fd(), Ordering::SeqCst);
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        sockfd.set_nonblocking(false).or_die("fcntl error");
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            // The sigsetjmp point: the handler has run.
            let (n, preply_addr) = match udp::recvfrom(sockfd, &mut recvline) {
                Err(err) if matches!(err.raw_os_error(), Some(libc::EINTR | libc::EAGAIN)) => break,
                other => other.or_die("recvfrom error"),
            };
            bcast::print_reply(&preply_addr, &recvline[..n]);
        }
    }
}

/// The `siglongjmp`: every receive from now on returns at once.
extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    let sockfd = SOCKFD.load(Ordering::SeqCst);
    // SAFETY: fcntl(2) is async-signal-safe and takes no pointer; on a
    // descriptor that is not open it fails with EBADF and changes nothing.
    unsafe {
        let flags = libc::fcntl(sockfd, libc::F_GETFL);
        libc::fcntl(sockfd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

fn main() {
    bcast::udpcli("usage: udpcli05 <IPaddress> [port]", dg_cli);
}
