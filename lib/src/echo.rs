//! `str_echo` and `str_cli` (`lib/str_echo.c`, `lib/str_cli.c`, Figures 5.3
//! and 5.5): the two halves of the chapter 5 echo protocol that most of the
//! book's TCP programs share.

use std::io::{self, BufRead, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use nix::errno::Errno;
use nix::sys::socket::Shutdown;

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
/// prematurely`. A last line without a newline is followed by
/// `shutdown(SHUT_WR)`, so its echo ends at the server's FIN instead of
/// never (the C hangs there).
///
/// A NUL byte in a line is data here: the whole line is sent and the whole
/// echo printed. The C sends `strlen(sendline)` bytes, the line up to its
/// first NUL, and then waits for ever for an echo ending in a newline that
/// it never sent.
pub fn str_cli(input: &mut impl BufRead, sock: impl AsFd) {
    str_cli_with(input, sock, |fd, line| {
        writen(fd, line).or_die("writen error")
    })
}

/// [`str_cli`] with its write step replaced, as the book's variants replace
/// it (`str_cli11.c` writes each line in two pieces): `send` must write all
/// of the line to the descriptor.
pub fn str_cli_with(
    input: &mut impl BufRead,
    sock: impl AsFd,
    mut send: impl FnMut(BorrowedFd<'_>, &[u8]),
) {
    let mut reader = LineReader::new(sock.as_fd());
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    let mut stdout = io::stdout();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        send(sock.as_fd(), &sendline);
        if ends_without_newline(&sendline) {
            // The last line of the input has no newline, so only end of
            // file can mark where its echo ends: send our FIN.
            nix::sys::socket::shutdown(sock.as_fd().as_raw_fd(), Shutdown::Write)
                .or_die("shutdown error");
        }
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

/// Whether `line`, as [`fgets`] returned it with room for `MAXLINE - 1`
/// bytes, is the input's final line without a newline (a line cut at
/// `MAXLINE - 1` bytes is not: the rest of it follows).
pub fn ends_without_newline(line: &[u8]) -> bool {
    !line.ends_with(b"\n") && line.len() < MAXLINE - 1
}
