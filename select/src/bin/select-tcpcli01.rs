//! Figure 6.9, `select/strcliselect01.c` (`str_cli`) with `select/tcpcli01.c`
//! (`main`): the echo client that waits in
//! [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html) for
//! either stdin or the socket, so that it hears at once of a server that
//! terminates, instead of blocking in `fgets`.
//!
//! Run: `select-tcpcli01 127.0.0.1` talks to the echo service on port 7, as
//! the book does; `select-tcpcli01 127.0.0.1 9877` to `tcpserv04` (or any
//! echo server of the workspace).
//!
//! The lesson kept on purpose (§6.5): the program still reads with `fgets`
//! on buffered stdin and `readline` on the socket. Both buffers hold data
//! that `select` cannot see, so the client sends one line per `select` and
//! prints at most one per socket readiness, and at end of stdin it returns
//! while echoed lines are still in flight or in the `readline` buffer. Fed a
//! file (`select-tcpcli01 127.0.0.1 9877 < big.txt`), it prints only the
//! first part of it. Figure 6.13 (`tcpcli02`) is the fix. Here stdin is
//! Rust's `StdinLock` (an 8 KiB buffer where glibc's is 4 KiB: same lesson).
//!
//! Differences from the C: the optional port argument, and the binary's
//! name (`tcpcli01` is `tcpcliserv`'s); a line holding a NUL byte is sent
//! and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use std::io::{self, Stdin, Write};
use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::{err_quit, fgets, servaddr_v4, wrap, writen, LineReader, OrDie, MAXLINE};

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&io::stdin(), &sockfd);
}

fn str_cli(stdin: &Stdin, sockfd: &Socket) {
    let mut fp = stdin.lock();
    let mut reader = LineReader::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    let mut stdout = io::stdout();
    loop {
        let mut rset = FdSet::new();
        rset.insert(stdin.as_fd());
        rset.insert(sockfd.as_fd());
        select(None, &mut rset, None, None, None).or_die("select error");

        if rset.contains(sockfd.as_fd()) {
            if reader
                .readline(&mut recvline, MAXLINE)
                .or_die("readline error")
                == 0
            {
                err_quit("str_cli: server terminated prematurely");
            }
            stdout.write_all(&recvline).or_die("fputs error");
        }

        if rset.contains(stdin.as_fd()) {
            if !fgets(&mut fp, &mut sendline, MAXLINE).or_die("fgets error") {
                return; // all done, or so it thinks
            }
            writen(sockfd, &sendline).or_die("writen error");
        }
    }
}
