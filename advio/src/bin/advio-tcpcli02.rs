//! `advio/str_cli_select02.c` (main in `advio/tcpcli02.c`): the `select`
//! echo client that half-closes at end of input (as Figure 6.13), written
//! with the buffered `fgets` and `readline` instead of `read`.
//!
//! `select` watches stdin and the socket together, so replies are printed
//! as they come, and end of input sends a FIN with `shutdown(SHUT_WR)`
//! while the replies still in flight are read to the end. The mix is the
//! hazard of §6.5 and §14.8: `fgets` and `readline` read more than one line
//! into their buffers, and `select` sees only the descriptor, not what
//! waits in a buffer. Lines that arrived together may sit there until more
//! input comes or the server closes. With input that ends (a file, a pipe
//! closed by its writer) everything comes out in the end, since a
//! descriptor at end of file is always readable.
//!
//! Run: `advio-tcpcli02 <IPaddress> [port]` (default 9877), e.g. against
//! `advio-tcpserv02 [port]`: this client's half-close is what makes that
//! server's held replies come out.
//!
//! Differences from the C: the optional port. Rust's buffered stdin plays
//! the part of stdio's `fgets`, and [`unp::LineReader`] that of
//! `readline`'s buffer, so the hazard is the C's own.

use std::io::{self, BufRead, Write};
use std::net::Shutdown;
use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, wrap, LineReader, OrDie, MAXLINE};

fn str_cli(fp: &mut (impl BufRead + AsFd), sockfd: &Socket) {
    let mut stdineof = false;
    let mut reader = LineReader::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    let mut stdout = io::stdout();
    loop {
        let (socket_readable, input_readable) = {
            let mut rset = FdSet::new();
            if !stdineof {
                rset.insert(fp.as_fd());
            }
            rset.insert(sockfd.as_fd());
            select(None, &mut rset, None, None, None).or_die("select error");
            (rset.contains(sockfd.as_fd()), rset.contains(fp.as_fd()))
        };

        if socket_readable {
            if reader
                .readline(&mut recvline, MAXLINE)
                .or_die("readline error")
                == 0
            {
                if stdineof {
                    return; // normal termination
                }
                unp::err_quit("str_cli: server terminated prematurely");
            }
            stdout.write_all(&recvline).or_die("fputs error");
        }

        if input_readable {
            if !unp::fgets(fp, &mut sendline, MAXLINE).or_die("fgets error") {
                stdineof = true;
                wrap::shutdown(sockfd, Shutdown::Write); // send FIN
                continue;
            }
            unp::writen(sockfd, &sendline).or_die("writen error");
        }
    }
}

fn main() {
    let (addr, port) = tcpcli_args(unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&mut io::stdin().lock(), &sockfd);
}
