//! lsif02: lsif01 with the system calls' own error messages and cases for
//! IPv6 and link-level entries (`ioctl/lsif02.c`).
//!
//! Run: `lsif02`.
//!
//! Differs from the C: as lsif01, the buffer is read at `struct ifreq`
//! strides (the C's 32-byte steps printed empty lines on Linux). The C's
//! `AF_INET6` and `AF_LINK` cases are left out: Linux's `SIOCGIFCONF`
//! returns IPv4 entries only (`prifinfo inet6` lists the IPv6 addresses,
//! `prifinfo` and `prmac` the hardware addresses). Extra arguments print a
//! usage line.

use socket2::{Domain, Socket, Type};
use unp::args::{arguments, Role};
use unp::ifi::siocgifconf;
use unp::{err_quit, outln, sock_ntop_host, OrDie};

fn main() {
    if !arguments("usage: lsif02", Role::Client).is_empty() {
        err_quit("usage: lsif02");
    }
    let sockfd = Socket::new(Domain::IPV4, Type::DGRAM, None).or_die("socket error");

    let (ifc, _) = siocgifconf(&sockfd, 2048).or_die("ioctl SIOCGIFCONF error");

    for ifr in ifc {
        match (ifr.family, ifr.addr) {
            (libc::AF_INET, Some(addr)) => outln!("{}\t{}", ifr.name, sock_ntop_host(&addr)),
            _ => outln!("{}", ifr.name),
        }
    }
}
