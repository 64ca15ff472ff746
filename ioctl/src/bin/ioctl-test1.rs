//! ioctl-test1: two Solaris ioctls, `SIOCGIFNUM` (how many interfaces) and
//! `SIOCGHIWAT` (a STREAMS high-water mark) (`ioctl/test1.c`, not in the
//! book's text).
//!
//! Prints `numif = n`, then `i = r, errno = e` for the second request.
//!
//! Run: `ioctl-test1`. On Linux: `numif = ` the number of IPv4 addresses,
//! then `i = -1, errno = 25` (`ENOTTY`).
//!
//! Differs from the C, which does not build on Linux (neither request
//! exists): the count is Linux's way of asking it, `SIOCGIFCONF` with no
//! buffer (the length every entry needs, one `struct ifreq` per IPv4
//! address); the second request is sent with Solaris's number
//! (`_IOR('s', 1, int)`), which a Linux socket refuses with `ENOTTY`, the
//! answer of every system without STREAMS. Named `ioctl-test1`: test/ has
//! a `test1`. Extra arguments print a usage line.

use std::os::fd::AsRawFd;

use socket2::{Domain, Type};
use unp::args::{arguments, Role};
use unp::ifi::siocgifconf;
use unp::{err_quit, outln, wrap, OrDie};

/// Solaris's `SIOCGHIWAT`, `_IOR('s', 1, int)`.
const SIOCGHIWAT: libc::c_ulong = 0x4004_7301;

fn main() {
    if !arguments("usage: ioctl-test1", Role::Client).is_empty() {
        err_quit("usage: ioctl-test1");
    }
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);

    let (_, len) = siocgifconf(&sockfd, 0).or_die("ioctl error");
    let numif = len / size_of::<libc::ifreq>();
    outln!("numif = {numif}");

    let mut buf = [0u8; 1024];
    // SAFETY: the request would write one int into `buf`, which has room
    // for 256; Linux refuses it without touching the buffer.
    let i = unsafe { libc::ioctl(sockfd.as_raw_fd(), SIOCGHIWAT as _, buf.as_mut_ptr()) };
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    outln!("i = {i}, errno = {errno}");
}
