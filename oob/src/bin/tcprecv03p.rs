//! tcprecv03p: tcprecv03 with `poll` instead of `select`
//! (`oob/tcprecv03p.c`, an extra target of the book's Makefile).
//!
//! It asks for `POLLRDNORM` always and for urgent data only when it has not
//! just read the urgent byte (`justreadoob`), as tcprecv03 does with the
//! exception set. The book asks for urgent data with `POLLRDBAND`; Linux
//! reports TCP urgent data as `POLLPRI` and never sets `POLLRDBAND` for it,
//! so the book's program never reads the urgent bytes there. This port asks
//! for `POLLPRI`, and prints what tcprecv03 prints: with tcpsend03,
//! `read 3 bytes: 123`, `read 1 OOB byte: 4`, `read 2 bytes: 56`,
//! `read 1 OOB byte: 7`, `read 2 bytes: 89`, `received EOF`.
//!
//! Run: `tcprecv03p 9999 &` then `tcpsend03 127.0.0.1 9999`.
//!
//! Differs from the C: `POLLPRI` where the C has `POLLRDBAND` (above).

use std::os::fd::AsFd;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use oob::{listen_args, recv_oob};
use unp::{wrap, OrDie};

fn main() {
    let listenfd = listen_args("usage: tcprecv03p [ <host> ] <port#>");
    let (connfd, _) = wrap::accept(&listenfd);

    let mut buff = [0u8; 100];
    let mut justreadoob = false;
    loop {
        let mut events = PollFlags::POLLRDNORM;
        if !justreadoob {
            events |= PollFlags::POLLPRI; // the book: POLLRDBAND
        }
        let mut pollfd = [PollFd::new(connfd.as_fd(), events)];
        poll(&mut pollfd, PollTimeout::NONE).or_die("poll error");
        let revents = pollfd[0].revents().unwrap_or(PollFlags::empty());

        if revents.contains(PollFlags::POLLPRI) {
            let n = recv_oob(&connfd, &mut buff[..99]);
            unp::outln!("read {n} OOB byte: {}", String::from_utf8_lossy(&buff[..n]));
            justreadoob = true; // turn the bit off
        }

        if revents.intersects(PollFlags::POLLRDNORM | PollFlags::POLLHUP | PollFlags::POLLERR) {
            let n = wrap::read(&connfd, &mut buff[..99]);
            if n == 0 {
                unp::outln!("received EOF");
                std::process::exit(0);
            }
            unp::outln!("read {n} bytes: {}", String::from_utf8_lossy(&buff[..n]));
            justreadoob = false;
        }
    }
}
