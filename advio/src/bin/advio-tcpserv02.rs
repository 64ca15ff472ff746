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
//! Differences from the C: the optional port. The output stream is a
//! small fully buffered writer that, as glibc's stdio, fills its 4096
//! bytes to the last one and writes them whole, across line boundaries (a
//! `BufWriter` would write out what it holds before a line that does not
//! fit, 4080 bytes of 17-byte lines); the flush that `exit` does in C is
//! the writer's on drop, when `str_echo` returns. The accept loop retries
//! `EINTR`, as the C does, and also a client gone before it was accepted.

use std::io::{self, BufRead, BufReader, Write};

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{wrap, OrDie, LISTENQ, MAXLINE};

/// glibc's buffer for a stdio stream on a socket: `st_blksize`, 4096.
const SOCKET_STDIO_BUFSIZ: usize = 4096;

/// A fully buffered stdio output stream (`_IOFBF`), as glibc makes one on a
/// socket: `fputs` fills the buffer to its last byte and writes it out
/// whole each time it is full, wherever the lines end; the rest is written
/// when the stream is closed, here when it is dropped (errors then are
/// ignored, as `exit` ignores them).
struct FullyBuffered<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> FullyBuffered<W> {
    fn new(inner: W) -> Self {
        let buf = Vec::with_capacity(SOCKET_STDIO_BUFSIZ);
        FullyBuffered { inner, buf }
    }

    /// `fputs`: append `text`, writing every buffer it fills.
    fn fputs(&mut self, mut text: &[u8]) -> io::Result<()> {
        while !text.is_empty() {
            let take = text.len().min(SOCKET_STDIO_BUFSIZ - self.buf.len());
            self.buf.extend_from_slice(&text[..take]);
            text = &text[take..];
            if self.buf.len() == SOCKET_STDIO_BUFSIZ {
                self.inner.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        Ok(())
    }
}

impl<W: Write> Drop for FullyBuffered<W> {
    fn drop(&mut self) {
        let _ = self.inner.write_all(&self.buf);
    }
}

/// `str_echo_stdio02.c`: lines in with `fgets`, out with `fputs`.
fn str_echo(mut fpin: impl BufRead, sockout: impl Write) {
    let mut fpout = FullyBuffered::new(sockout);
    let mut line = Vec::new();
    while unp::fgets(&mut fpin, &mut line, MAXLINE).or_die("fgets error") {
        fpout.fputs(&line).or_die("fputs error");
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
            str_echo(BufReader::new(&connfd), &connfd);
            std::process::exit(0);
        }
        drop(connfd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands for the socket: the size of each write(2).
    #[derive(Default)]
    struct Writes(Vec<usize>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn stdio_writes_whole_4096_byte_buffers_across_line_boundaries() {
        let input = b"0123456789abcdef\n".repeat(300); // 300 lines of 17 bytes
        let mut socket = Writes::default();
        str_echo(&input[..], &mut socket);
        assert_eq!(socket.0, [4096, 300 * 17 - 4096]);
    }
}
