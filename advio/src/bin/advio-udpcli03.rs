//! Figure 14.2, `advio/dgclitimeo3.c` (main in `advio/udpcli03.c`): the UDP
//! echo client with a timeout from `alarm` and `SIGALRM`.
//!
//! Before each `recvfrom` it sets `alarm(5)`. The `SIGALRM` handler does
//! nothing, but the book's `signal` installs it without `SA_RESTART`, so
//! the signal makes the blocked `recvfrom` fail with `EINTR`: the client
//! prints `socket timeout` on stderr and goes on with the next line. A reply
//! cancels the alarm. Signals are process-wide, which makes this way hard
//! to use in a threaded program, and a reply that arrives just as the alarm
//! fires is a race the book points out (§14.2).
//!
//! Run: `advio-udpcli03 <IPaddress> [port]` (default 7, the echo service).
//!
//! Differences from the C: the optional port; the reply is written whole,
//! NUL bytes included. The Rust receive makes one `recvfrom` call, so the
//! `EINTR` is seen as in C (std's wrappers would retry it).

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead, Write};
use unp::{udp, wrap, OrDie, MAXLINE};

extern "C" fn sig_alrm(_signo: libc::c_int) {
    // Nothing: the signal is here to interrupt recvfrom.
}

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(sig_alrm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        match udp::recvfrom(sockfd, &mut recvline) {
            Ok((n, _)) => {
                alarm::cancel();
                stdout.write_all(&recvline[..n]).or_die("fputs error");
            }
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => eprintln!("socket timeout"),
            Err(err) => unp::err_sys(&err, "recvfrom error"),
        }
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
