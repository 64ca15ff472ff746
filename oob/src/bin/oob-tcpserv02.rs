//! oob-tcpserv02: the forking echo server with a heartbeat over urgent
//! data (Figure 24.16: `oob/tcpserv02.c`, `oob/strecho02.c`,
//! `oob/heartbeatserv.c`, `oob/sigchldwaitpid.c`).
//!
//! Figure 5.12's server, whose child calls this `str_echo`: first
//! `heartbeat_serv(sockfd, 1, 5)`, which answers each urgent probe from the
//! client with an urgent byte and, after more than 5 seconds without a
//! probe, prints `no probes from client` and ends the child; then the echo
//! loop with `readline` and `writen`. The parent prints
//! `child N terminated` for each child it reaps.
//!
//! Run: `oob-tcpserv02 &` (port 9877) then `oob-tcpcli02 127.0.0.1`; stop
//! the client (`kill -STOP`) to see `no probes from client`.
//!
//! Differs from the C: the handlers print with `write(2)` and leave with
//! `_exit`; a probe whose byte has not arrived yet (`EWOULDBLOCK`) is not
//! answered, where the C sends back an uninitialised byte; the optional port
//! argument; a connection aborted before `accept` is skipped.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use oob::heartbeat::heartbeat_serv;
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{book_args, err_sys, wrap, writen, LineReader, OrDie, LISTENQ, MAXLINE, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: oob-tcpserv02 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));

    loop {
        let connfd = match listenfd.accept() {
            Ok((connfd, _cliaddr)) => connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue, // back to the loop
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err) => err_sys(&err, "accept error"),
        };
        // SAFETY: the server never starts a thread, so the child may run any
        // code, allocation included.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            wrap::close(listenfd); // the child closes the listening socket
            str_echo(&connfd); // process the request
            std::process::exit(0);
        }
        wrap::close(connfd); // the parent closes the connected socket
    }
}

/// The echo with a heartbeat (`strecho02.c`).
fn str_echo(sockfd: &Socket) {
    heartbeat_serv(sockfd, 1, 5);

    let mut reader = LineReader::new(sockfd);
    let mut line = Vec::new();
    loop {
        let n = reader.readline(&mut line, MAXLINE).or_die("readline error");
        if n == 0 {
            return; // connection closed by other end
        }
        writen(sockfd, &line).or_die("writen error");
    }
}
