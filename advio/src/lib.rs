//! Chapter 14 (advio/): timeouts, `recvmsg` and ancillary data, the stdio
//! pitfall, and chapter 22's servers that bind every interface address. The
//! programs are in `src/bin/`; this holds what several of them share.
//!
//! `udpserv03` and `udpserv04` (§22.6) each write out Figures 22.15 to
//! 22.17, as each C file does: bind the port on every address of the
//! family that `getifaddrs` lists, and on each broadcast address, then on
//! the wildcard, each on its own socket with `SO_REUSEADDR`, and fork one
//! child per socket to echo what arrives there. The kernel delivers a
//! datagram to the socket bound to its destination address, and to the
//! wildcard socket only when there is none: each child's `to A:P` shows
//! which address a datagram was sent to, something a single wildcard
//! socket cannot tell without `IP_PKTINFO` (see `advio-udpserv01`).

use std::os::fd::{AsFd, AsRawFd};

use unp::OrDie;

nix::ioctl_read_bad!(ioctl_fionread, libc::FIONREAD, libc::c_int);

/// The bytes waiting to be read on a socket, `ioctl(fd, FIONREAD)`: for TCP
/// all the bytes in the receive buffer
/// ([tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html)), for UDP
/// the size of the next datagram
/// ([udp(7)](https://man7.org/linux/man-pages/man7/udp.7.html)) (§14.7).
/// Dies with `ioctl error`.
pub fn fionread(fd: impl AsFd) -> i32 {
    let mut npend = 0;
    // SAFETY: FIONREAD writes one int through the pointer, which points to
    // `npend`; the descriptor is open for the duration of the call.
    unsafe { ioctl_fionread(fd.as_fd().as_raw_fd(), &mut npend) }.or_die("ioctl error");
    npend
}
