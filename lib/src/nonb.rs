//! `connect_nonb` (`lib/connect_nonb.c`, Figures 16.11 and 16.12): a
//! nonblocking connect with a timeout.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use socket2::{SockAddr, Socket};

/// The book's `connect_nonb`: start a
/// [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html) with
/// `O_NONBLOCK` set ([`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)),
/// wait until the socket is readable or writable or `timeout` passes, read
/// the outcome from `SO_ERROR`
/// ([`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)),
/// and put the file status flags back. `None` waits as long as the kernel
/// keeps trying (the C's `nsec == 0`).
///
/// Returns the connected socket, or the error: `ETIMEDOUT` when `timeout`
/// passes first, the connect's own error (`ECONNREFUSED`, ...) otherwise.
/// The socket is closed on every failure, as the C closes it "just in case":
/// here it is taken by value and dropped.
///
/// The C waits with `select(2)`; this uses
/// [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html), the same
/// readiness test without `select`'s limit on descriptor numbers
/// (`FD_SETSIZE`), and retries `EINTR` for the time that is left.
/// socket2's [`Socket::connect_timeout`] does the same thing.
pub fn connect_nonb(
    sock: Socket,
    addr: &SockAddr,
    timeout: Option<Duration>,
) -> io::Result<Socket> {
    let flags = OFlag::from_bits_retain(fcntl(sock.as_fd(), FcntlArg::F_GETFL)?);
    fcntl(sock.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;

    match sock.connect(addr) {
        Ok(()) => {} // completed at once (a loopback peer can be that quick)
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {
            // Anything could be done here while the handshake goes on.
            wait_connected(&sock, timeout)?;
            if let Some(err) = sock.take_error()? {
                return Err(err);
            }
        }
        Err(err) => return Err(err),
    }

    fcntl(sock.as_fd(), FcntlArg::F_SETFL(flags))?; // restore file status flags
    Ok(sock)
}

/// Wait until `sock` is readable or writable, the sign that its connect has
/// ended one way or the other; `ETIMEDOUT` when `timeout` passes first.
fn wait_connected(sock: &Socket, timeout: Option<Duration>) -> io::Result<()> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let left = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                // Round up, so that a wait never ends early and spins.
                let millis = left.as_nanos().div_ceil(1_000_000);
                PollTimeout::try_from(millis).unwrap_or(PollTimeout::MAX)
            }
            None => PollTimeout::NONE,
        };
        let mut fds = [PollFd::new(
            sock.as_fd(),
            PollFlags::POLLIN | PollFlags::POLLOUT,
        )];
        match poll(&mut fds, left) {
            Ok(0) => return Err(io::Error::from_raw_os_error(libc::ETIMEDOUT)),
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => continue,
            Err(err) => return Err(err.into()),
        }
    }
}
