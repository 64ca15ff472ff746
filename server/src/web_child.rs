//! The chapter's protocol and its handler, `web_child`
//! (`server/web_child.c`, §30.5): the client sends a line holding a
//! byte count N, the server answers with N bytes; repeat until the client
//! closes.
//!
//! Differences from the C, on purpose:
//! - A count outside 1..=[`MAXN`] (or a line that is no number) logs
//!   `client request for N bytes` and closes that connection. The C calls
//!   `err_quit`, which ends the handling process: for the iterative and
//!   threaded servers (serv00, serv06–09) that is the whole server.
//! - Read and write errors (a client that resets) are logged and close the
//!   connection; the C's `Readline`/`Writen` wrappers exit.
//! - The reply is [`MAXN`] zero bytes; the C sends an uninitialised stack
//!   buffer, leaking whatever was on the stack to the client.
//! - `readline` is [`LineReader`], whose buffer belongs to the connection,
//!   so it is safe in the threaded servers: the C links a separate
//!   byte-at-a-time `server/readline.c` into those for that reason.

use std::fmt;
use std::os::fd::AsFd;

use unp::{err_msg, err_ret, writen, LineReader, MAXLINE};

/// The most bytes a client may ask for (and the client's reply buffer).
pub const MAXN: usize = 16384;

static REPLY: [u8; MAXN] = [0; MAXN];

/// The answer to a request for `n` bytes (`n` <= [`MAXN`]).
pub fn reply(n: usize) -> &'static [u8] {
    &REPLY[..n]
}

/// A request for a byte count outside 1..=[`MAXN`]: its `Display` is the
/// book's `client request for N bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRequest(pub i64);

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client request for {} bytes", self.0)
    }
}

/// The byte count a request line asks for, read as the C's `atol` reads it
/// (leading white space, a sign, digits, anything after ignored; no number
/// is 0; too large saturates).
pub fn parse_request(line: &[u8]) -> Result<usize, BadRequest> {
    let text = line.trim_ascii_start();
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, &b| {
            n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
        });
    let n = if negative { -magnitude } else { magnitude };
    match usize::try_from(n) {
        Ok(count @ 1..=MAXN) => Ok(count),
        _ => Err(BadRequest(n)),
    }
}

/// For the servers that read without blocking: the length of the next
/// request line at the front of `input`, cut where the book's
/// `readline(fd, buf, MAXLINE)` cuts it (after the newline, at `MAXLINE - 1`
/// bytes, or at end of file, `eof`), or `None` until more bytes come.
pub fn line_len(input: &[u8], eof: bool) -> Option<usize> {
    let limit = input.len().min(MAXLINE - 1);
    match input[..limit].iter().position(|&b| b == b'\n') {
        Some(newline) => Some(newline + 1),
        None if limit == MAXLINE - 1 || (eof && limit > 0) => Some(limit),
        None => None,
    }
}

/// Serve one connection (`web_child`): read a request line, write that many
/// bytes, until the client closes. Problems are logged on stderr and end
/// this connection only.
pub fn web_child(sock: impl AsFd) {
    let mut reader = LineReader::new(sock.as_fd());
    let mut line = Vec::new();
    loop {
        match reader.readline(&mut line, MAXLINE) {
            Ok(0) => return, // connection closed by the client
            Ok(_) => {}
            Err(err) => return err_ret(&err, "readline error"),
        }
        let ntowrite = match parse_request(&line) {
            Ok(n) => n,
            Err(bad) => return err_msg(bad),
        };
        if let Err(err) = writen(sock.as_fd(), reply(ntowrite)) {
            return err_ret(&err, "writen error");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_as_atol_does() {
        assert_eq!(parse_request(b"4000\n"), Ok(4000));
        assert_eq!(parse_request(b"  +16384xyz"), Ok(16384));
        assert_eq!(parse_request(b"1"), Ok(1));
        for (line, n) in [
            (&b"0\n"[..], 0),
            (b"16385\n", 16385),
            (b"-5\n", -5),
            (b"junk\n", 0),
            (b"\x00\xff", 0),
            (b"99999999999999999999999\n", i64::MAX),
        ] {
            assert_eq!(parse_request(line), Err(BadRequest(n)));
        }
        assert_eq!(BadRequest(0).to_string(), "client request for 0 bytes");
    }

    #[test]
    fn lines_are_cut_where_readline_cuts_them() {
        assert_eq!(line_len(b"12\n34\n", false), Some(3));
        assert_eq!(line_len(b"12", false), None);
        assert_eq!(line_len(b"12", true), Some(2));
        assert_eq!(line_len(b"", true), None);
        assert_eq!(line_len(&[b'7'; MAXLINE + 5], false), Some(MAXLINE - 1));
    }
}
