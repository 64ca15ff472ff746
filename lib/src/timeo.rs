//! Timeouts on socket calls (§14.2): `connect_timeo` (`lib/connect_timeo.c`,
//! Figure 14.1), which bounds a `connect` with `alarm`, and `readable_timeo`
//! (`lib/readable_timeo.c`, Figure 14.3), which waits for input with a
//! time limit. The third way, `SO_RCVTIMEO`, is one socket option
//! (`Socket::set_read_timeout`) and needs no helper.

use std::io;
use std::os::fd::AsFd;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use socket2::{SockAddr, Socket};

use crate::error::err_msg;
use crate::signal::signal;

/// The book's `connect_timeo` (Figure 14.1):
/// [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html) with
/// an upper bound of `nsec` seconds, set with
/// [`alarm(2)`](https://man7.org/linux/man-pages/man2/alarm.2.html). The
/// `SIGALRM` handler does nothing but interrupt the connect, whose `EINTR`
/// becomes `ETIMEDOUT`; the alarm and the previous handler are restored
/// afterwards. An alarm the process had already set is cancelled (the book
/// warns `connect_timeo: alarm was already set`, and so does this). The
/// timeout can only shorten the kernel's own (75 s and more): it cannot
/// lengthen it. `nsec` 0 means no timeout.
///
/// As the C closes the descriptor when the connect fails (a socket whose
/// connect failed cannot be connected again), this takes the socket and
/// returns it only when connected.
pub fn connect_timeo(sock: Socket, addr: &SockAddr, nsec: u32) -> io::Result<Socket> {
    let sigfunc = signal(Signal::SIGALRM, SigHandler::Handler(connect_alarm));
    let previous = match nsec {
        0 => alarm::cancel(),
        _ => alarm::set(nsec),
    };
    if previous.is_some() {
        err_msg("connect_timeo: alarm was already set");
    }
    let result = sock.connect(addr);
    alarm::cancel();
    signal(Signal::SIGALRM, sigfunc);
    match result {
        Ok(()) => Ok(sock),
        Err(err) if err.raw_os_error() == Some(libc::EINTR) => {
            Err(io::Error::from_raw_os_error(libc::ETIMEDOUT))
        }
        Err(err) => Err(err),
    }
}

extern "C" fn connect_alarm(_signo: libc::c_int) {}

/// The book's `readable_timeo` (Figure 14.3): wait at most `sec` seconds for
/// `fd` to become readable; `Ok(false)` on timeout. A wait of this kind
/// bounds any read, on any descriptor, with no signal involved.
///
/// The book waits with `select(2)`; this asks the same question with
/// [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html), which has
/// no `FD_SETSIZE` ceiling on the descriptor number. `EINTR` is returned.
pub fn readable_timeo(fd: impl AsFd, sec: u32) -> io::Result<bool> {
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    let timeout = PollTimeout::try_from(u64::from(sec) * 1000).unwrap_or(PollTimeout::MAX);
    Ok(poll(&mut fds, timeout)? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;

    #[test]
    fn readable_timeo_sees_a_datagram_and_times_out_without_one() {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        assert!(!readable_timeo(&sock, 0).unwrap());
        sock.send_to(b"x", sock.local_addr().unwrap()).unwrap();
        assert!(readable_timeo(&sock, 5).unwrap());
    }
}
