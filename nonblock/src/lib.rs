//! Chapter 16 (`nonblock/`): nonblocking I/O, `connect_nonb`, the web
//! client, the accept race.
//!
//! What several programs of this chapter share lives here: the
//! `FD_SETSIZE` check every `select` caller needs, and the pause between
//! `select` and `accept` of `tcpservselect03` (the race of §16.6) and
//! `tcpservselect04` (its fix), which each write out the `select` loop of
//! Figures 6.21-6.22 as the C files do. The echo clients write out Figure 5.4's socket and
//! connect, the servers their socket, bind and listen.

use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use unp::err_quit;

/// Whether `fd` fits in a `select(2)` `fd_set`, whose size is fixed at
/// `FD_SETSIZE` (1024) descriptors. The C sets the bit regardless, writing
/// past the set; nix's `FdSet` panics. Callers check first and refuse.
pub fn fits_fd_set(fd: impl AsFd) -> bool {
    fd.as_fd().as_raw_fd() < libc::FD_SETSIZE as i32
}

/// A client's check: die with `select error: descriptor N >= FD_SETSIZE`
/// when `fd` does not fit in an `fd_set`.
pub fn fd_set_or_die(fd: impl AsFd) {
    if !fits_fd_set(fd.as_fd()) {
        err_quit(format!(
            "select error: descriptor {} >= FD_SETSIZE",
            fd.as_fd().as_raw_fd()
        ));
    }
}

/// How long `tcpservselect03` and `tcpservselect04` sleep between `select`
/// saying the listening socket is readable and calling `accept`: the window
/// in which a client's RST arrives (§16.6).
pub const ACCEPT_DELAY: Duration = Duration::from_secs(5);
