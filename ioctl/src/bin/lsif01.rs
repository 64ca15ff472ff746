//! lsif01: list the interfaces `SIOCGIFCONF` returns (`ioctl/lsif01.c`,
//! the request of §17.5).
//!
//! One `ioctl(SIOCGIFCONF)` into a 2048-byte buffer, then one line per
//! entry: `name<TAB>address` for an IPv4 address, the bare name otherwise.
//!
//! Run: `lsif01`.
//!
//! Differs from the C: the C steps through the buffer 32 bytes at a time
//! (the name and a 16-byte `sockaddr`), but Linux's entries are 40-byte
//! `struct ifreq`s, so the C printed empty lines between the real ones;
//! [`unp::ifi::siocgifconf`] reads the buffer as the array it is. Extra
//! arguments print a usage line.

use socket2::{Domain, Type};
use unp::args::{arguments, Role};
use unp::ifi::siocgifconf;
use unp::{err_quit, outln, sock_ntop_host, wrap, OrDie};

fn main() {
    if !arguments("usage: lsif01", Role::Client).is_empty() {
        err_quit("usage: lsif01");
    }
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);

    let (ifc, _) = siocgifconf(&sockfd, 2048).or_die("ioctl error");

    for ifr in ifc {
        match ifr.addr {
            Some(addr) => outln!("{}\t{}", ifr.name, sock_ntop_host(&addr)),
            None => outln!("{}", ifr.name),
        }
    }
}
