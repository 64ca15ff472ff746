//! Chapter 8 (udpcliserv/): UDP echo, lost datagrams, connected UDP, flow
//! control. The programs are in `src/bin/`; this holds the one loop two of
//! them share.
//!
//! The echo clients treat a NUL byte in a line as data: the datagram is
//! the whole line and the whole reply is printed, where the C sends
//! `strlen(sendline)` bytes and prints the reply with `fputs`, each up to
//! the first NUL.

use std::sync::atomic::{AtomicI64, Ordering};

use nix::sys::signal::{SigHandler, Signal};
use socket2::Socket;
use unp::signal::{decimal, signal, write_in_handler};
use unp::{udp, OrDie, MAXLINE};

static COUNT: AtomicI64 = AtomicI64::new(0);

/// The `dg_echo` of `udpserv06` and `udpserv07` (Figures 8.20 and 8.22):
/// count the datagrams received, echo none, and on SIGINT print
/// `received N datagrams` and exit.
pub fn dg_echo_count(sockfd: &Socket) -> ! {
    signal(Signal::SIGINT, SigHandler::Handler(recvfrom_int));
    let mut mesg = [0u8; MAXLINE];
    loop {
        udp::recvfrom(sockfd, &mut mesg).or_die("recvfrom error");
        COUNT.fetch_add(1, Ordering::Relaxed);
    }
}

extern "C" fn recvfrom_int(_signo: libc::c_int) {
    let mut digits = [0; 20];
    let count = decimal(COUNT.load(Ordering::Relaxed), &mut digits);
    write_in_handler(
        libc::STDOUT_FILENO,
        &[b"\nreceived ", count, b" datagrams\n"],
    );
    // SAFETY: _exit(2) is async-signal-safe and runs no Rust code; there is
    // nothing buffered to flush (the count went out with write(2)).
    unsafe { libc::_exit(0) };
}
