//! tcpserv09: the binary sum server (Figure 5.20, `tcpcliserv/tcpserv09.c`
//! with `str_echo09.c`).
//!
//! The tcpserv04 skeleton whose children run `str_echo09`: read the 16
//! bytes of `struct args` (two native `long`s), answer with the 8 bytes of
//! `struct result`, their sum. Both ends must agree on the size and byte
//! order of a `long` (§5.18): on the same machine it serves the C tcpcli09
//! as well as ours.
//!
//! Run: `tcpserv09 &` (port 9877) then `tcpcli09 127.0.0.1`; or
//! `tcpserv09 40000 &` and `tcpcli09 127.0.0.1 40000`.
//!
//! Differs from the C: a request cut short by the client's end of file
//! (fewer than 16 bytes) ends the connection, where the C would add up a
//! half-filled struct and send that; a sum that overflows wraps around, as
//! the C does on x86-64; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use tcpcliserv::{SumArgs, SUM_ARGS_LEN};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{book_args, err_sys, readn, wrap, writen, OrDie, LISTENQ, SERV_PORT};

fn str_echo09(sockfd: &Socket) {
    let mut args = [0u8; SUM_ARGS_LEN];
    loop {
        if readn(sockfd, &mut args).or_die("readn error") < SUM_ARGS_LEN {
            return; // connection closed by the other end
        }
        let SumArgs { arg1, arg2 } = SumArgs::from_bytes(&args);
        writen(sockfd, &arg1.wrapping_add(arg2).to_ne_bytes()).or_die("writen error");
    }
}

fn main() {
    let (_, port) = book_args("usage: tcpserv09 [port]", 0, SERV_PORT);
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
            str_echo09(&connfd); // process the request
            std::process::exit(0);
        }
        wrap::close(connfd); // the parent closes the connected socket
    }
}
