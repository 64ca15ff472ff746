//! Chapter 24 (`oob/`): TCP urgent data, the book's "out-of-band data".
//!
//! `send(MSG_OOB)` sends one byte and sets TCP's urgent pointer after it.
//! The receiver learns that urgent data is coming in one of three ways:
//! `SIGURG`, once the socket has an owner (`fcntl(F_SETOWN)`, tcprecv01);
//! an exception condition from `select` (tcprecv02, tcprecv03) or `POLLPRI`
//! from `poll` (tcprecv03p); or, with `SO_OOBINLINE`, by asking
//! `sockatmark` whether the next byte is the urgent one (tcprecv04,
//! tcprecv06). The byte itself is read with `recv(MSG_OOB)`, or in line.
//!
//! What Linux does, each shown by a test:
//! - One urgent byte is kept: a second `MSG_OOB` send moves the mark and the
//!   first byte becomes normal data (tcpsend06 with tcprecv06: `12345`,
//!   the mark, `67`).
//! - A read stops at the mark, so the byte after it starts the next read
//!   (tcprecv04: `123`, the mark, `45`).
//! - Reading the urgent byte a second time fails with `EINVAL`, the error
//!   the book's tcprecv02 runs into; but Linux stops reporting the exception
//!   once the byte is read, so tcprecv02 never makes that second read here
//!   and prints the same lines as tcprecv03.
//! - The urgent pointer passes a closed window, the byte does not: the
//!   next zero-window probe carries `URG` (tcpsend05 with tcprecv05:
//!   `SIGURG received`, then `recv error: Resource temporarily
//!   unavailable`), as in the book, after the probe's back-off delay.
//! - `poll` reports urgent data as `POLLPRI`, never `POLLRDBAND`: the book's
//!   tcprecv03p, which asks for `POLLRDBAND`, never sees the urgent bytes on
//!   Linux, so this port asks for `POLLPRI`.
//!
//! The heartbeat client and server (oob-tcpcli02, oob-tcpserv02) probe the
//! connection with one urgent byte a second, in signal handlers
//! ([`heartbeat`]).
//!
//! The senders keep the book's `sleep(1)` between writes, so that each write
//! is its own segment; the tests do not depend on that timing: they play
//! the sender themselves, one step at a time, each after the receiver has
//! printed the previous one, or stop the receiver with `SIGSTOP` while the
//! sender runs.

pub mod heartbeat;

use std::os::fd::{AsRawFd, RawFd};

use nix::errno::Errno;
use nix::sys::socket::{recv, MsgFlags};
use socket2::Socket;
use unp::args::{arguments, Role};
use unp::signal::write_in_handler;
use unp::{err_quit, err_sys, tcp_listen, OrDie};

/// The `ioctl` that `sockatmark(3)` makes on Linux (`<linux/sockios.h>`).
const SIOCATMARK: libc::c_ulong = 0x8905;

/// The receivers' command line, `[ <host> ] <port#>`, and their
/// `Tcp_listen` on it; any other count prints `usage` and exits 1. They
/// start as servers ([`unp::args::Role::Server`]): `SIGPIPE` stays ignored.
pub fn listen_args(usage: &str) -> Socket {
    match arguments(usage, Role::Server).as_slice() {
        [port] => tcp_listen(None, port),
        [host, port] => tcp_listen(Some(host), port),
        _ => err_quit(usage),
    }
}

/// [`sockatmark(3)`](https://man7.org/linux/man-pages/man3/sockatmark.3.html),
/// the book's `Sockatmark`: whether the next byte to read is the one at the
/// urgent mark. Dies with `sockatmark error`.
pub fn sockatmark(fd: &impl AsRawFd) -> bool {
    let mut atmark: libc::c_int = 0;
    // SAFETY: SIOCATMARK writes one int through the pointer, which is valid.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), SIOCATMARK, &mut atmark) };
    if rc < 0 {
        err_sys(&std::io::Error::last_os_error(), "sockatmark error");
    }
    atmark != 0
}

/// `Recv(fd, buf, len, MSG_OOB)`: read the urgent byte
/// ([`recv(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)); dies
/// with `recv error`, `recv error: Invalid argument` when there is none to
/// read (none sent, or already read).
pub fn recv_oob(fd: &impl AsRawFd, buf: &mut [u8]) -> usize {
    recv(fd.as_raw_fd(), buf, MsgFlags::MSG_OOB).or_die("recv error")
}

/// `strerror(errno)` as glibc words it, without allocating or touching the
/// locale (`strerror` may do both, so a signal handler cannot call it): the
/// errors a handler here can meet, and nix's text for any other.
pub fn strerror_in_handler(errno: Errno) -> &'static [u8] {
    match errno {
        Errno::EAGAIN => b"Resource temporarily unavailable",
        Errno::EINVAL => b"Invalid argument",
        Errno::ENOTCONN => b"Transport endpoint is not connected",
        Errno::ECONNRESET => b"Connection reset by peer",
        Errno::EPIPE => b"Broken pipe",
        other => other.desc().as_bytes(),
    }
}

/// `Fcntl(fd, F_SETOWN, getpid())`: make this process the socket's owner,
/// the one `SIGURG` goes to
/// ([`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html); nix
/// has no `F_SETOWN`). Dies with `fcntl error`.
pub fn set_owner(fd: &impl AsRawFd) {
    // SAFETY: F_SETOWN takes an int argument and touches no memory.
    let rc = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETOWN, libc::getpid()) };
    if rc < 0 {
        err_sys(&std::io::Error::last_os_error(), "fcntl error");
    }
}

/// `Recv(fd, buf, len, MSG_OOB)` from a signal handler: the byte count, or
/// on failure `recv error: <strerror>` on stderr and `_exit(1)`, with no
/// allocation (the book's `err_sys` there calls `printf`, which is not
/// async-signal-safe).
pub fn recv_oob_in_handler(fd: RawFd, buf: &mut [u8]) -> usize {
    match recv(fd, buf, MsgFlags::MSG_OOB) {
        Ok(n) => n,
        Err(errno) => {
            write_in_handler(
                libc::STDERR_FILENO,
                &[b"recv error: ", strerror_in_handler(errno), b"\n"],
            );
            // SAFETY: _exit is async-signal-safe and ends the process.
            unsafe { libc::_exit(1) }
        }
    }
}
