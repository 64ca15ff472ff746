//! `advio/daytimetcpcli.c` (§14.7): a protocol-independent daytime client
//! that looks at its data with `MSG_PEEK` and `FIONREAD` before reading it.
//!
//! After `connected to H` it loops: `recv` with `MSG_PEEK` returns what is
//! waiting without removing it, `ioctl(FIONREAD)` tells how many bytes the
//! receive buffer holds, and it prints `N bytes from PEEK, M bytes pending`
//! before the real `read` takes the data and prints it. A peek of 0 bytes
//! means the server has closed.
//!
//! Run: `advio-daytimetcpcli <hostname or IPaddress> <service or port#>`,
//! e.g. `advio-daytimetcpcli 127.0.0.1 40013` against
//! `daytimetcpsrv 40013`, or `advio-daytimetcpcli localhost daytime`.
//!
//! Differences from the C: what is read is written whole, NUL bytes
//! included.

use std::io::{self, Write};
use std::os::fd::AsRawFd;

use nix::sys::socket::{recv, MsgFlags};
use unp::{wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: a.out <hostname or IPaddress> <service or port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.len() != 2 {
        unp::err_quit(usage);
    }
    let sockfd = unp::tcp_connect(&args[0], &args[1]);
    let ss = wrap::getpeername(&sockfd);
    unp::outln!("connected to {}", unp::sock_ntop_host(&ss));

    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    loop {
        let n = recv(sockfd.as_raw_fd(), &mut recvline, MsgFlags::MSG_PEEK).or_die("recv error");
        if n == 0 {
            break; // server closed connection
        }
        let npend = advio::fionread(&sockfd);
        unp::outln!("{n} bytes from PEEK, {npend} bytes pending");
        let n = wrap::read(&sockfd, &mut recvline);
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
}
