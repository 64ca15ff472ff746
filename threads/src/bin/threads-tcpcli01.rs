//! threads-tcpcli01: the echo client with two threads (Figure 26.2,
//! `threads/tcpcli01.c` with `threads/strclithread.c`).
//!
//! `str_cli` starts a thread, `copyto`, that copies stdin to the socket and
//! sends a FIN at end of input; the main thread copies the socket to stdout
//! until the server's FIN, then returns, and `exit` ends the other thread
//! if it is still there. Input goes out as fast as it is read, whatever the
//! echoes do: the same pipelining as `select`'s `str_cli` (Figure 6.13) and
//! the forking one (Figure 16.10), with two threads of one process.
//!
//! Run: `threads-tcpserv01 9877 &` then
//! `threads-tcpcli01 127.0.0.1 9877 < file`.
//!
//! Differs from the C: the socket reaches `copyto` in an `Arc` moved into
//! the thread, where the C copies both arguments to static variables; the
//! usage names the binary; a line holding a NUL byte is sent and its
//! echo printed whole, where the C stops at the NUL (`strlen`, `fputs`).

use std::io::{self, Write};
use std::net::Shutdown;
use std::sync::Arc;

use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{err_quit, fgets, tcp_connect, wrap, writen, LineReader, OrDie, MAXLINE};

fn main() {
    let usage = "usage: threads-tcpcli01 <hostname> <service>";
    let args = arguments(usage, Role::Client);
    let [host, serv] = args.as_slice() else {
        err_quit(usage);
    };
    let sockfd = tcp_connect(host, serv);
    str_cli(sockfd); // do it all
    std::process::exit(0);
}

fn str_cli(sockfd: Socket) {
    let sockfd = Arc::new(sockfd);
    let to = Arc::clone(&sockfd);
    unp::wrap::pthread_create(move || copyto(&to));

    let mut reader = LineReader::new(&*sockfd);
    let mut recvline = Vec::new();
    let mut stdout = io::stdout().lock();
    while reader
        .readline(&mut recvline, MAXLINE)
        .or_die("readline error")
        > 0
    {
        stdout.write_all(&recvline).or_die("fputs error");
        stdout.flush().or_die("fputs error");
    }
}

/// The second thread: stdin to the socket, then a FIN.
fn copyto(sockfd: &Socket) {
    let mut input = io::stdin().lock();
    let mut sendline = Vec::new();
    while fgets(&mut input, &mut sendline, MAXLINE).or_die("fgets error") {
        writen(sockfd, &sendline).or_die("writen error");
    }
    wrap::shutdown(sockfd, Shutdown::Write); // EOF on stdin, send FIN
}
