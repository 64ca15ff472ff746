//! `str_echo` and `str_cli` (`lib/str_echo.c`, `lib/str_cli.c`, Figures 5.3
//! and 5.5): the two halves of the chapter 5 echo protocol that most of the
//! book's TCP programs share.

use std::io::{self, BufRead, Write};
use std::os::fd::AsFd;

use nix::errno::Errno;

use crate::error::{err_quit, err_sys, OrDie};
use crate::readline::{fgets, writen, LineReader};
use crate::MAXLINE;

/// Echo everything read from `sock` back to it until the client closes
/// (Figure 5.3): `read(2)` up to `MAXLINE` bytes, `writen` them. `EINTR` is
/// retried; any other read error dies with `str_echo: read error`.
pub fn str_echo(sock: impl AsFd) {
    let mut buf = [0u8; MAXLINE];
    loop {
        match nix::unistd::read(sock.as_fd(), &mut buf) {
            Ok(0) => return,
            Ok(n) => writen(sock.as_fd(), &buf[..n]).or_die("writen error"),
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "str_echo: read error"),
        }
    }
}

/// The stop-and-wait echo client (Figure 5.5): read a line from `input`,
/// send it, read one line back, copy it to stdout; return at end of input.
/// The server closing first dies with `str_cli: server terminated
/// prematurely`.
pub fn str_cli(input: &mut impl BufRead, sock: impl AsFd) {
    let mut reader = LineReader::new(sock.as_fd());
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    let mut stdout = io::stdout();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        writen(sock.as_fd(), &sendline).or_die("writen error");
        if reader
            .readline(&mut recvline, MAXLINE)
            .or_die("readline error")
            == 0
        {
            err_quit("str_cli: server terminated prematurely");
        }
        stdout.write_all(&recvline).or_die("fputs error");
    }
    stdout.flush().or_die("fputs error");
}
