//! Chapter 6 (`select/`): `str_cli` with select (Figures 6.9 and 6.13), and
//! what the book could not show on Linux: epoll servers and client, and an
//! event loop over select, poll and epoll ([`unp::event`]).
//!
//! The clients write out Figure 5.4's `main` (socket, connect) before their
//! own `str_cli`, as the C links the same `main` with another `str_cli`.
//! What the servers here share is [`EchoConn`]: the echo step of a server
//! that never blocks.

use std::io::{self, Read};

use socket2::Socket;
use unp::MAXLINE;

/// How [`EchoConn::pump`] stopped: what the connection waits for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    /// Everything read has been echoed and the socket has nothing more to
    /// read (`EAGAIN`): wait until it is readable.
    Read,
    /// The socket send buffer is full and echo is pending: wait until it is
    /// writable, and read nothing from this client meanwhile (its own
    /// unread echo is what holds it back).
    Write,
    /// The read budget is spent with everything echoed; the socket may have
    /// more to read.
    Busy,
    /// End of file, or an error on this connection (`ECONNRESET`, `EPIPE`):
    /// close it.
    Close,
}

/// One client of a nonblocking echo server: the echo it still owes.
///
/// A blocking server writes the echo with `writen` and is stuck there when
/// the client does not read (§6.8). Here the socket is nonblocking: what the
/// socket send buffer does not take stays in this buffer, at most one read's
/// worth (`MAXLINE`), and the connection waits for writability before it
/// reads again. The client that does not read is thus held back by its own
/// full buffer, and no one else is.
#[derive(Debug, Default)]
pub struct EchoConn {
    pending: Vec<u8>,
    sent: usize,
}

impl EchoConn {
    /// Move bytes on a nonblocking socket: send what is pending, then read
    /// and echo, at most `reads` reads of `MAXLINE` bytes. `EINTR` is
    /// retried.
    pub fn pump(&mut self, sock: &Socket, reads: usize) -> Echo {
        let mut buf = [0u8; MAXLINE];
        let mut done = 0;
        loop {
            while self.sent < self.pending.len() {
                match sock.send(&self.pending[self.sent..]) {
                    Ok(n) => self.sent += n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Echo::Write,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return Echo::Close,
                }
            }
            if done == reads {
                return Echo::Busy;
            }
            match (&*sock).read(&mut buf) {
                Ok(0) => return Echo::Close,
                Ok(n) => {
                    done += 1;
                    self.pending.clear();
                    self.pending.extend_from_slice(&buf[..n]);
                    self.sent = 0;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Echo::Read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Echo::Close,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;

    fn pair() -> (Socket, UnixStream) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        (Socket::from(std::os::fd::OwnedFd::from(ours)), theirs)
    }

    #[test]
    fn pump_echoes_until_eagain_then_close_at_eof() {
        let (sock, mut peer) = pair();
        let mut conn = EchoConn::default();
        assert_eq!(conn.pump(&sock, 8), Echo::Read);
        peer.write_all(b"hello").unwrap();
        assert_eq!(conn.pump(&sock, 8), Echo::Read);
        let mut got = [0u8; 5];
        peer.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello");
        peer.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(conn.pump(&sock, 8), Echo::Close);
    }

    #[test]
    fn pump_stops_at_its_budget_and_holds_back_a_client_that_does_not_read() {
        let (sock, mut peer) = pair();
        let mut conn = EchoConn::default();
        peer.write_all(&[b'x'; 3 * MAXLINE]).unwrap();
        assert_eq!(conn.pump(&sock, 1), Echo::Busy);
        peer.set_nonblocking(true).unwrap();
        let chunk = [b'y'; MAXLINE];
        while peer.write(&chunk).is_ok() {
            if conn.pump(&sock, 64) == Echo::Write {
                break;
            }
        }
        assert_eq!(conn.pump(&sock, 64), Echo::Write);
        assert!(conn.pending.len() - conn.sent <= MAXLINE);
    }
}
