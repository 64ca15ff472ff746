//! oob-tcpcli02: the `select` echo client with a heartbeat over urgent
//! data (Figures 24.14–24.15: `oob/tcpcli02.c`, `oob/strcliselect02.c`,
//! `oob/heartbeatcli.c`).
//!
//! `str_cli` first calls `heartbeat_cli(sockfd, 1, 5)`: every second an
//! urgent byte goes to the server, whose answer resets the count; after
//! more than 5 unanswered probes the client prints `server is unreachable`
//! on stderr and exits 0. Then it is Figure 6.13's client: `select` on
//! stdin and the socket, a FIN at end of input (with the heartbeat turned
//! off, `alarm(0)`), and the echo read until the server's FIN. `select`
//! interrupted by `SIGALRM` or `SIGURG` is made again.
//!
//! Run: `oob-tcpserv02 &` then `oob-tcpcli02 127.0.0.1` (port 9877), or
//! `oob-tcpserv02 40000 &` and `oob-tcpcli02 127.0.0.1 40000`; stop the
//! server's child (`kill -STOP`) to see `server is unreachable`.
//!
//! Differs from the C: stdin and the socket are read with `read(2)`, not
//! `Fgets` and `Readline`, whose buffers would hide data from `select`
//! (§6.5; the same as select/tcpcli02); the handlers print with `write(2)`
//! and leave with `_exit`; the optional port argument.

use std::io::{self, Stdin};
use std::net::Shutdown;
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::sys::select::{select, FdSet};
use oob::heartbeat::{heartbeat_cli, heartbeat_stop};
use socket2::{Domain, Socket, Type};
use unp::{err_quit, err_sys, servaddr_v4, wrap, writen, OrDie, MAXLINE, SERV_PORT};

fn main() {
    let (args, port) = unp::book_args("usage: oob-tcpcli02 <IPaddress> [port]", 1, SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&args[0], port));
    str_cli(&io::stdin(), &sockfd); // do it all
    std::process::exit(0);
}

fn str_cli(fp: &Stdin, sockfd: &Socket) {
    let mut stdineof = false;
    let mut buf = [0u8; MAXLINE];

    heartbeat_cli(sockfd, 1, 5);

    loop {
        let mut rset = FdSet::new();
        if !stdineof {
            rset.insert(fp.as_fd());
        }
        rset.insert(sockfd.as_fd());
        match select(None, &mut rset, None, None, None) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "select error"),
        }

        if rset.contains(sockfd.as_fd()) {
            // socket is readable
            let n = wrap::read(sockfd, &mut buf);
            if n == 0 {
                if stdineof {
                    return; // normal termination
                }
                err_quit("str_cli: server terminated prematurely");
            }
            writen(io::stdout().as_fd(), &buf[..n]).or_die("writen error");
        }

        if rset.contains(fp.as_fd()) {
            // input is readable
            let n = wrap::read(fp.as_fd(), &mut buf);
            if n == 0 {
                stdineof = true;
                heartbeat_stop(); // turn off heartbeat
                wrap::shutdown(sockfd, Shutdown::Write); // send FIN
                continue;
            }
            writen(sockfd, &buf[..n]).or_die("writen error");
        }
    }
}
