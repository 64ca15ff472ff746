//! Figure 6.13, `select/strcliselect02.c` (`str_cli`) with
//! `select/tcpcli02.c` (`main`): the echo client done right for batch input.
//!
//! Waits in [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html)
//! for stdin or the socket, but reads both with plain
//! [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html), so no
//! buffer hides data from `select`, and at end of stdin it does not return:
//! it sends a FIN with
//! [`shutdown(SHUT_WR)`](https://man7.org/linux/man-pages/man2/shutdown.2.html)
//! and keeps reading the socket until the server's FIN, so every echoed byte
//! arrives (compare `select-tcpcli01`, which loses the tail).
//!
//! Run: `tcpcli02 127.0.0.1` talks to the echo service on port 7, as the
//! book does; `tcpcli02 127.0.0.1 9877 < big.txt` to `tcpserv04`.
//!
//! Differences from the C: the optional port argument. stdin and stdout are
//! read and written through their descriptors, bypassing Rust's buffers, as
//! the C calls `Read(fileno(fp))` and `Write(fileno(stdout))`.

use std::io::{self, Stdin};
use std::net::Shutdown;
use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::{err_quit, servaddr_v4, wrap, writen, OrDie, MAXLINE};

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&io::stdin(), &sockfd);
}

fn str_cli(fp: &Stdin, sockfd: &Socket) {
    let mut stdineof = false;
    let mut buf = [0u8; MAXLINE];
    loop {
        let mut rset = FdSet::new();
        if !stdineof {
            rset.insert(fp.as_fd());
        }
        rset.insert(sockfd.as_fd());
        select(None, &mut rset, None, None, None).or_die("select error");

        if rset.contains(sockfd.as_fd()) {
            let n = wrap::read(sockfd, &mut buf);
            if n == 0 {
                if stdineof {
                    return; // normal termination
                }
                err_quit("str_cli: server terminated prematurely");
            }
            wrap::write(io::stdout().as_fd(), &buf[..n]);
        }

        if rset.contains(fp.as_fd()) {
            let n = wrap::read(fp.as_fd(), &mut buf);
            if n == 0 {
                stdineof = true;
                wrap::shutdown(sockfd, Shutdown::Write); // send FIN
                continue;
            }
            writen(sockfd, &buf[..n]).or_die("writen error");
        }
    }
}
