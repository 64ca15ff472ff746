//! unixdomain-daytimetcpcli (`unixdomain/daytimetcpcli.c`, an exercise of
//! chapter 15): the protocol-independent daytime client of Figure 11.11
//! that prints `connected to <address>`, sleeps 5 seconds, and then prints
//! each read as `N bytes: <data>`.
//!
//! Against `unixdomain-daytimetcpsrv2`, which sends its 26 bytes in 26
//! sends with `MSG_EOR`, the sleep lets them all arrive first, and one
//! read returns them together: `26 bytes: Sat Nov 28 10:00:00 2026`. TCP
//! keeps no record boundaries.
//!
//! Run: `unixdomain-daytimetcpcli 127.0.0.1 40013` against
//! `unixdomain-daytimetcpsrv2 40013`, or `unixdomain-daytimetcpcli
//! localhost daytime` against a server on port 13.
//!
//! Differs from the C: the name (intro's `daytimetcpcli` came first); each
//! read is written whole, NUL bytes included, where `printf("%s")` stops at
//! the first.

use std::io::{self, Write};
use std::time::Duration;

use unp::{err_quit, sock_ntop_host, tcp_connect, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimetcpcli <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage);
    };
    let sockfd = tcp_connect(host, serv);

    let sa = wrap::getpeername(&sockfd);
    unp::outln!("connected to {}", sock_ntop_host(&sa));
    std::thread::sleep(Duration::from_secs(5));

    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    loop {
        let n = wrap::read(&sockfd, &mut recvline);
        if n == 0 {
            break;
        }
        write!(stdout, "{n} bytes: ").or_die("write error");
        stdout.write_all(&recvline[..n]).or_die("write error");
    }
    stdout.flush().or_die("write error");
}
