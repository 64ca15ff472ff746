//! §14.8, `advio/tcpserv02.c` with `advio/str_echo_stdio02.c` (Figure
//! 14.14): the TCP echo server whose `str_echo` uses standard I/O, and the
//! buffering pitfall that comes with it.
//!
//! The child wraps the connected socket in two stdio streams, reads lines
//! with `fgets` and writes them with `fputs`. Output to a socket is fully
//! buffered, not line buffered, so the echoed lines stay in the output
//! buffer: nothing goes back to the client until the buffer fills (4096
//! bytes: glibc sizes a socket's buffer from its `st_blksize`) or the child
//! exits, which happens when the client closes its side. A stop-and-wait
//! client (`tcpcli01`) waits for an echo that never comes; a client that
//! half-closes (`advio-tcpcli02`) gets everything at the end.
//!
//! Run: `advio-tcpserv02 [port]` (default 9877), then
//! `advio-tcpcli02 127.0.0.1 [port]`.
//!
//! Differences from the C: the optional port. A `BufWriter` of 4096 bytes
//! stands for the output stream; the flush that `exit` does in C is the
//! `BufWriter`'s on drop, when `str_echo` returns. The accept loop retries
//! `EINTR`, as the C does, and also a client gone before it was accepted.

use std::io::{BufReader, BufWriter, Write};

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{wrap, OrDie, LISTENQ, MAXLINE};

/// glibc's buffer for a stdio stream on a socket: `st_blksize`, 4096.
const SOCKET_STDIO_BUFSIZ: usize = 4096;

fn str_echo(sockfd: &Socket) {
    let mut fpin = BufReader::new(sockfd);
    let mut fpout = BufWriter::with_capacity(SOCKET_STDIO_BUFSIZ, sockfd);
    let mut line = Vec::new();
    while unp::fgets(&mut fpin, &mut line, MAXLINE).or_die("fgets error") {
        fpout.write_all(&line).or_die("fputs error");
    }
    // Dropping fpout now flushes what it still holds, as exit() does in C.
}

fn main() {
    let (_, port) = unp::book_args("usage: tcpserv02 [port]", 0, unp::SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));
    loop {
        let connfd = match listenfd.accept() {
            Ok((connfd, _)) => connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err) => unp::err_sys(&err, "accept error"),
        };
        // SAFETY: the server is single-threaded.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            drop(listenfd);
            str_echo(&connfd);
            std::process::exit(0);
        }
        drop(connfd);
    }
}
