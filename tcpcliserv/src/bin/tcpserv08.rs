//! tcpserv08: the text sum server (Figure 5.17, `tcpcliserv/tcpserv08.c`
//! with `str_echo08.c`).
//!
//! The tcpserv04 skeleton whose children run `str_echo08` instead of
//! echoing: read a line, and if it starts with two numbers answer with
//! their sum (`3 4` gives `7`), otherwise `input error`. The client is
//! tcpcli08 (any echo client works).
//!
//! Run: `tcpserv08 &` (port 9877) then `tcpcli08 127.0.0.1`; or
//! `tcpserv08 40000 &` and `tcpcli08 127.0.0.1 40000`.
//!
//! Differs from the C: the line buffer belongs to this connection
//! (`LineReader`), not to a static shared by every descriptor; a sum that
//! overflows wraps around, as the C does on x86-64 (where C calls it
//! undefined); a line longer than `MAXLINE - 1` bytes is read in pieces, each
//! answered, as in the C; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use tcpcliserv::scan_two_longs;
use unp::signal::{sig_chld_waitpid, signal};
use unp::{book_args, err_sys, wrap, writen, LineReader, OrDie, LISTENQ, MAXLINE, SERV_PORT};

fn str_echo08(sockfd: &Socket) {
    let mut reader = LineReader::new(sockfd);
    let mut line = Vec::new();
    loop {
        if reader.readline(&mut line, MAXLINE).or_die("readline error") == 0 {
            return; // connection closed by the other end
        }
        let reply = match scan_two_longs(&line) {
            Some((arg1, arg2)) => format!("{}\n", arg1.wrapping_add(arg2)),
            None => "input error\n".to_owned(),
        };
        writen(sockfd, reply.as_bytes()).or_die("writen error");
    }
}

fn main() {
    let (_, port) = book_args("usage: tcpserv08 [port]", 0, SERV_PORT);
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
            str_echo08(&connfd); // process the request
            std::process::exit(0);
        }
        wrap::close(connfd); // the parent closes the connected socket
    }
}
