//! `simpleserver`: the one-byte server `simpleclient` was written for (it
//! is not in Tinyhttpd, whose client comes from the "Beginning Linux
//! Programming" examples). An iterative server on port 9734 (or the
//! optional port): prints `server waiting`, accepts a client, reads one
//! byte, sends back the next byte value, closes, and waits again.
//!
//! ```sh
//! simpleserver 40000 &             # server waiting
//! simpleclient 40000               # char from server = B
//! ```
//!
//! A client that closes without sending costs only its connection.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use socket2::Domain;
use unp::{book_args, tcp, wrap};

fn main() {
    let (_, port) = book_args("usage: simpleserver [port]", 0, 9734);
    let listener = tcp::listen_any(Domain::IPV4, port);
    loop {
        unp::outln!("server waiting");
        let _ = io::stdout().flush();
        let (connfd, _cliaddr) = wrap::accept(&listener);
        let mut client = TcpStream::from(connfd);
        let mut ch = [0u8];
        if let Ok(1) = client.read(&mut ch) {
            let _ = client.write_all(&[ch[0].wrapping_add(1)]);
        }
    }
}
