//! threads-tcpcli02: the two-thread echo client that notices a server
//! gone first (`threads/tcpcli02.c` with `threads/strclithread2.c`, a
//! variant of Figure 26.2).
//!
//! As `threads-tcpcli01`, plus a `done` flag that `copyto` sets at the end
//! of stdin. When the main thread reads the server's FIN and `done`
//! is not set, the server closed before the client had finished: it dies
//! with `server terminated prematurely`, where `threads-tcpcli01` exits 0 in
//! silence.
//!
//! Run: `threads-tcpserv01 9877 &` then
//! `threads-tcpcli02 127.0.0.1 9877 < file`.
//!
//! Differs from the C: `done` is set just before the FIN, not after it. In the
//! C, the server can echo the last line, read the FIN and close, and the main
//! thread read that close, all between `copyto`'s `Shutdown` and its
//! `done = 1`: a normal end is then reported as premature (this port's tests hit it
//! with the C's order). `done` is an `AtomicBool` (the C's plain `int`, written
//! by one thread and read by another, is a data race); the socket reaches
//! `copyto` in an `Arc`; the usage names the binary; a line holding a NUL byte
//! is sent and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use std::io::{self, Write};
use std::net::Shutdown;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{err_quit, fgets, tcp_connect, wrap, writen, LineReader, OrDie, MAXLINE};

/// Set by `copyto` once stdin has ended and the FIN is sent.
static DONE: AtomicBool = AtomicBool::new(false);

fn main() {
    let usage = "usage: threads-tcpcli02 <hostname> <service>";
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

    if !DONE.load(Ordering::Acquire) {
        err_quit("server terminated prematurely");
    }
}

/// The second thread: stdin to the socket, then a FIN, then `done`.
fn copyto(sockfd: &Socket) {
    let mut input = io::stdin().lock();
    let mut sendline = Vec::new();
    while fgets(&mut input, &mut sendline, MAXLINE).or_die("fgets error") {
        writen(sockfd, &sendline).or_die("writen error");
    }
    DONE.store(true, Ordering::Release); // before the FIN: see the doc
    wrap::shutdown(sockfd, Shutdown::Write); // EOF on stdin, send FIN
}
