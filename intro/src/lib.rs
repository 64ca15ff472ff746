//! Chapter 1 (`intro/`): what the daytime clients and servers share.

use std::io::{self, Write};

use socket2::Socket;
use unp::{wrap, OrDie};

/// The daytime reply (RFC 867): the local time as `ctime(3)` gives it, cut
/// to 24 characters, then `\r\n`: 26 bytes.
pub fn daytime_reply() -> String {
    format!("{}\r\n", unp::time::ctime_now())
}

/// Copy everything the server sends to stdout until it closes, as Figure
/// 1.5's loop does: TCP is a byte stream, so one reply may take any number of
/// reads. Returns how many reads returned data. Dies with `read error` or
/// `fputs error`.
pub fn copy_until_eof(sock: &Socket) -> usize {
    let mut recvline = [0u8; unp::MAXLINE];
    let mut stdout = io::stdout();
    let mut reads = 0;
    loop {
        let n = wrap::read(sock, &mut recvline);
        if n == 0 {
            break;
        }
        reads += 1;
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
    stdout.flush().or_die("fputs error");
    reads
}
