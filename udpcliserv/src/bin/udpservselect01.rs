//! Figures 8.24 and 8.25, `udpcliserv/udpservselect01.c`: one process that
//! serves TCP echo and UDP echo on the same port.
//!
//! A TCP port and a UDP port of the same number are two different ports, so
//! both sockets bind 9877. `select` waits on the listening TCP socket and
//! the UDP socket at once: a new connection is accepted and handed to a
//! forked child running `str_echo`; a datagram is echoed in place. SIGCHLD
//! reaps the children (`child N terminated`), and because the handler
//! interrupts `select`, whose `EINTR` Linux never restarts, the loop
//! retries it (§8.15).
//!
//! Run: `udpservselect01 [port]` (default 9877), then `tcpcli01 127.0.0.1
//! [port]` and `udpcli01 127.0.0.1 [port]` against it.
//!
//! Differences from the C: the optional port.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::sys::select::{select, FdSet};
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{udp, wrap, OrDie, LISTENQ, MAXLINE};

fn main() {
    let (_, port) = unp::book_args("usage: udpservselect01 [port]", 0, unp::SERV_PORT);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into();

    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    listenfd.set_reuse_address(true).or_die("setsockopt error");
    wrap::bind(&listenfd, &servaddr);
    wrap::listen(&listenfd, LISTENQ);

    let udpfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&udpfd, &SockAddr::from(servaddr));

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));

    let mut mesg = [0u8; MAXLINE];
    loop {
        let mut rset = FdSet::new();
        rset.insert(listenfd.as_fd());
        rset.insert(udpfd.as_fd());
        match select(None, &mut rset, None, None, None) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(err) => unp::err_sys(&err.into(), "select error"),
        }

        if rset.contains(listenfd.as_fd()) {
            let (connfd, _) = wrap::accept(&listenfd);
            // SAFETY: the server is single-threaded.
            if let ForkResult::Child = unsafe { wrap::fork() } {
                drop(listenfd);
                unp::str_echo(&connfd);
                std::process::exit(0);
            }
            drop(connfd);
        }

        if rset.contains(udpfd.as_fd()) {
            let (n, cliaddr) = udp::recvfrom(&udpfd, &mut mesg).or_die("recvfrom error");
            udp::sendto(&udpfd, &mesg[..n], &cliaddr);
        }
    }
}
