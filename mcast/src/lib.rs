//! Chapter 21, multicasting (`mcast/`): joining a group, the loopback,
//! TTL and interface options (the library's [`unp::mcast`]), a multicast
//! echo server and the clients that gather replies from many hosts.
//!
//! - `sendrecv` (Figures 21.17-21.19): sends `<hostname>, <pid>` to a group
//!   every 5 seconds and prints what the group sends; loopback off, so a
//!   host never hears itself;
//! - `mcast-udpserv01`: the UDP echo server, member of 224.0.0.1;
//! - `mcast-udpcli01`: one line to a group, every member's reply for 5 s
//!   (chapter 20's `dg_cli` without `SO_BROADCAST`: multicast needs none);
//! - `mcast-udpcli05`: the same to the daytime port, with the `sigsetjmp`
//!   client (here the handler makes the socket nonblocking, as
//!   `bcast-udpcli05`);
//! - `mcast-udpcli06`: the socket bound to the group address first: it
//!   sends, but the unicast replies do not match its address and it prints
//!   nothing.
//!
//! Linux needs a route for the group (224.0.0.0/4, or a default route):
//! without one `sendto` fails with `ENETUNREACH`; the namespace network of
//! the tests and of `scripts/netlab` has one. Every Linux host is a member
//! of 224.0.0.1 (all hosts) on each multicast interface.

use socket2::{SockAddr, Socket};
use std::io::{self, BufRead, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use unp::{udp, OrDie, MAXLINE};

/// `dgclimcast5.c` and `dgclimcast6.c` (the same code): each line sent to
/// the group, then every reply, `from <host>: <reply>`, for 5 seconds. The
/// C's handler `siglongjmp`s back to a `sigsetjmp` before `Recvfrom`; Rust
/// cannot return twice from a function, so the handler makes the socket
/// nonblocking (`fcntl(2)`, async-signal-safe): the `recvfrom` it
/// interrupts fails with `EINTR`, any later one with `EAGAIN`, and either
/// ends the wait. No `SO_BROADCAST`.
pub fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    SOCKFD.store(sockfd.as_raw_fd(), Ordering::SeqCst);
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        sockfd.set_nonblocking(false).or_die("fcntl error");
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            let (n, preply_addr) = match udp::recvfrom(sockfd, &mut recvline) {
                Err(err) if matches!(err.raw_os_error(), Some(libc::EINTR | libc::EAGAIN)) => break,
                other => other.or_die("recvfrom error"),
            };
            print_reply(&preply_addr, &recvline[..n]);
        }
    }
}

/// The socket [`dg_cli`]'s handler makes nonblocking.
static SOCKFD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    let sockfd = SOCKFD.load(Ordering::SeqCst);
    // SAFETY: fcntl(2) is async-signal-safe and takes no pointer; on a
    // descriptor that is not open it fails with EBADF and changes nothing.
    unsafe {
        let flags = libc::fcntl(sockfd, libc::F_GETFL);
        libc::fcntl(sockfd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

/// The clients' `printf("from %s: %s", Sock_ntop_host(...), recvline)`, in
/// one write, the reply whole, a failed stdout ignored (the C's unchecked
/// `printf`).
pub fn print_reply(preply_addr: &SockAddr, reply: &[u8]) {
    let mut line = format!("from {}: ", unp::sock_ntop_host(preply_addr)).into_bytes();
    line.extend_from_slice(reply);
    let _ = io::stdout().write_all(&line);
}
