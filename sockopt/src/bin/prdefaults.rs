//! prdefaults (`sockopt/prdefaults.c`, the defaults of Figure 7.1): the send
//! and receive buffer sizes and low-water marks of a new TCP socket, then of
//! a new UDP socket.
//!
//! Run: `prdefaults`. On Linux: `tcp send buffer size = 16384`,
//! `tcp recv buffer size = 131072`, low-water marks 1; UDP's buffers are
//! `net.core.wmem_default` and `rmem_default` (212992).
//!
//! Differs from the C: nothing but the usage line for extra arguments (the
//! C ignores them). The values are Linux's (see the crate's doc).

use socket2::{Domain, Socket, Type};
use sockopt::getsockopt_int;
use unp::args::{arguments, Role};
use unp::{err_quit, err_sys, OrDie};

fn main() {
    if !arguments("usage: prdefaults", Role::Client).is_empty() {
        err_quit("usage: prdefaults");
    }
    let tcpsock = Socket::new(Domain::IPV4, Type::STREAM, None).or_die("TCP socket error");
    doit(&tcpsock, "tcp");

    let udpsock = Socket::new(Domain::IPV4, Type::DGRAM, None).or_die("UDP socket error");
    doit(&udpsock, "udp");
}

fn doit(fd: &Socket, name: &str) {
    let get = |optname, what| {
        getsockopt_int(fd, libc::SOL_SOCKET, optname)
            .unwrap_or_else(|err| err_sys(&err, format!("{what} getsockopt error")))
    };
    let val = get(libc::SO_SNDBUF, "SO_SNDBUF");
    unp::outln!("{name} send buffer size = {val}");
    let val = get(libc::SO_RCVBUF, "SO_RCVBUF");
    unp::outln!("{name} recv buffer size = {val}");
    let val = get(libc::SO_SNDLOWAT, "SO_SNDLOWAT");
    unp::outln!("{name} send low-water mark = {val}");
    let val = get(libc::SO_RCVLOWAT, "SO_RCVLOWAT");
    unp::outln!("{name} receive low-water mark size = {val}");
}
