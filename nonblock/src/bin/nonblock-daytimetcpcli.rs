//! `nonblock-daytimetcpcli` (`nonblock/daytimetcpcli.c`, the test program of
//! `connect_nonb`, Figures 16.11–16.12): the daytime client of Figure 1.5,
//! connecting with [`unp::nonb::connect_nonb`] instead of `connect`.
//!
//! `connect_nonb` starts the connect with the socket nonblocking, waits for
//! it to finish, reads its outcome from `SO_ERROR` and makes the socket
//! blocking again; so the reads that follow are the usual blocking ones. The
//! C passes no timeout (0), and so does this: a refused connect prints
//! `connect error: Connection refused`, one to an address that never answers
//! waits as long as the kernel retries its SYNs, then prints
//! `connect error: Connection timed out`.
//!
//! Run: `nonblock-daytimetcpcli <IPaddress> [port]` (default 13, the daytime
//! service), e.g. against `daytimetcpsrv [port]`.
//!
//! Where the Rust differs: the C checks no argument count (no argument
//! crashes it) and parses the address with `inet_addr`, which turns junk
//! into 255.255.255.255; this prints its usage line, and
//! `inet_pton error for X`.

use std::io::{self, Write};

use socket2::{Domain, Type};
use unp::nonb::connect_nonb;
use unp::{book_args, err_sys, servaddr_v4, wrap, OrDie, MAXLINE};

fn main() {
    let (args, port) = book_args("usage: daytimetcpcli <IPaddress> [port]", 1, 13);
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = servaddr_v4(&args[0], port);

    let sock = connect_nonb(sock, &servaddr, None).or_die("connect error");

    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    loop {
        match nix::unistd::read(&sock, &mut recvline) {
            Ok(0) => break, // server closed connection
            Ok(n) => stdout.write_all(&recvline[..n]).or_die("fputs error"),
            Err(err) => err_sys(&err.into(), "read error"),
        }
    }
    stdout.flush().or_die("fputs error");
}
