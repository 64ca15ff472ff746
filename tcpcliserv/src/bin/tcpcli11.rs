//! tcpcli11: the echo client that writes each line in two pieces (Figure
//! 5.14, `tcpcliserv/tcpcli11.c` with `str_cli11.c`, §5.13 "SIGPIPE
//! signal").
//!
//! `str_cli11` writes the first byte of a line, sleeps one second, then
//! writes the rest. Kill the server's child between two lines: the first
//! byte reaches a closed socket, whose TCP answers with an RST; the second
//! write, a second later, is a write to a reset connection, and the kernel
//! sends the client SIGPIPE, whose default action kills it without a word
//! (the shell shows the death by signal 13).
//!
//! Run: `tcpserv04 &` then `tcpcli11 127.0.0.1` (port 9877), or
//! `tcpcli11 127.0.0.1 <port>`; type a line, kill the server's child, type
//! another.
//!
//! Differs from the C: Rust sets SIGPIPE to "ignore" before `main`, which would
//! turn the lesson into an `EPIPE` error message; the program puts back the
//! default action first (`restore_sigpipe`). Since 2022 the C uses port 9877
//! (it used 7); the optional port argument; a line holding a NUL byte is sent
//! and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use std::io::{self, BufRead};
use std::thread::sleep;
use std::time::Duration;

use socket2::{Domain, Socket, Type};
use unp::signal::restore_sigpipe;
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli_with, wrap, writen, OrDie, SERV_PORT};

/// `str_cli11.c`: `str_cli` whose write step sends the first byte, sleeps a
/// second, then sends the rest.
fn str_cli11(input: &mut impl BufRead, sockfd: &Socket) {
    str_cli_with(input, sockfd, |fd, line| {
        writen(fd, &line[..1]).or_die("writen error");
        sleep(Duration::from_secs(1));
        writen(fd, &line[1..]).or_die("writen error");
    })
}

fn main() {
    restore_sigpipe();
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli11(&mut io::stdin().lock(), &sockfd);
}
