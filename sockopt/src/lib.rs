//! Chapter 7 (`sockopt/`): socket options.
//!
//! `getsockopt(2)` and `setsockopt(2)` read and change a socket's options at
//! one of several levels (`SOL_SOCKET`, `IPPROTO_IP`, `IPPROTO_IPV6`,
//! `IPPROTO_TCP`). The programs here show what the defaults are
//! (`checkopts`, `prdefaults`) and that some values are only final once the
//! connection exists (`rcvbuf`, `rcvbufset`, `sockopt`).
//!
//! What Linux does differently from the BSD systems of the book, and the
//! programs print as Linux reports it:
//!
//! - **`SO_RCVBUF` and `SO_SNDBUF` are doubled.** Setting 9973 reads back
//!   19946 (`rcvbufset`); setting 65536 reads back 131072 (`sockopt`). The
//!   kernel keeps room for its own bookkeeping and says so in
//!   [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html).
//!   BSD rounds the value instead.
//! - **`SO_SNDLOWAT` cannot be changed**, and `SO_RCVLOWAT` is 1.
//! - **`TCP_MAXSEG` before connect is 536**, the default of RFC 1122; after
//!   the handshake it is the path's MSS (on loopback, with its 65536-byte
//!   MTU, tens of thousands of bytes).
//! - `SO_USELOOPBACK` is BSD-only and the four SCTP options need kernel
//!   SCTP and lksctp's `<netinet/sctp.h>`, absent here: `checkopts` prints
//!   them `(undefined)`, as the C does for a missing macro.
//!
//! Where the book's program takes a fixed port (13 for `rcvbuf` and
//! `rcvbufset`), one optional trailing port argument replaces it.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

/// [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
/// into `val`, as the C's `getsockopt(fd, level, optname, &val, &len)` with
/// `len = sizeof(val)`: returns the length the kernel wrote, which the
/// caller checks against the size the option should have.
pub fn getsockopt(fd: impl AsFd, level: i32, optname: i32, val: &mut [u8]) -> io::Result<usize> {
    let mut len = libc::socklen_t::try_from(val.len()).unwrap_or(libc::socklen_t::MAX);
    // SAFETY: `val` is writable for `len` bytes, and the kernel writes at
    // most `len` bytes there and its own length back into `len`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_fd().as_raw_fd(),
            level,
            optname,
            val.as_mut_ptr().cast(),
            &mut len,
        )
    };
    match rc {
        0 => Ok(len as usize),
        _ => Err(io::Error::last_os_error()),
    }
}

/// [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
/// of an `int` option: the options socket2 has no method for
/// (`SO_SNDLOWAT`, `SO_RCVLOWAT`).
pub fn getsockopt_int(fd: impl AsFd, level: i32, optname: i32) -> io::Result<i32> {
    let mut val = [0u8; 4];
    match getsockopt(fd, level, optname, &mut val)? {
        4 => Ok(i32::from_ne_bytes(val)),
        _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
}
