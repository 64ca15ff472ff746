//! `simpleclient` (Tinyhttpd's `simpleclient.c`): connects to 127.0.0.1
//! port 9734 (or the optional port), sends the byte `A`, reads one byte
//! back and prints `char from server = <byte>`. It speaks no HTTP: its
//! peer is the one-byte server `simpleserver`, which answers with the next
//! byte (`B`).
//!
//! ```sh
//! simpleserver 40000 &
//! simpleclient 40000               # char from server = B
//! ```
//!
//! Differs from the C: the optional port. A failed connect prints
//! `oops: client1: Connection refused` and exits 1 as the C's `perror` does;
//! a server that closes without a byte prints `read error: end of file`
//! and exits 1 where the C prints whatever `ch` held.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use unp::{book_args, err_quit, err_sys, OrDie};

fn main() {
    let (_, port) = book_args("usage: simpleclient [port]", 0, 9734);
    let mut sockfd = match TcpStream::connect(("127.0.0.1", port)) {
        Ok(sockfd) => sockfd,
        Err(err) => err_sys(&err, "oops: client1"),
    };
    let mut ch = [b'A'];
    sockfd.write_all(&ch).or_die("write error");
    match sockfd.read(&mut ch) {
        Ok(1) => {}
        Ok(_) => err_quit("read error: end of file"),
        Err(err) => err_sys(&err, "read error"),
    }
    unp::outln!("char from server = {}", ch[0] as char);
    let _ = io::stdout().flush();
}
