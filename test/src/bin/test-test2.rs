//! test-test2 (`test/test2.c`): `udp_client(<IPaddress>, "13")` and prints
//! the descriptor it returns, `sockfd = 3` (0, 1 and 2 are taken), for an
//! IPv4 or an IPv6 address.
//!
//! Run: `test-test2 127.0.0.1` or `test-test2 ::1`: `sockfd = 3`.
//!
//! Differs from the C: the name (names/ and libgai/ have a `test2`); an
//! argument that is not an IPv4 or IPv6 address is refused (`inet_pton
//! error for X`), as the usage line says, where the C hands any host name
//! to `udp_client` (and glibc takes `99999` for the address 0.1.134.159).

use std::os::fd::AsRawFd;

use unp::err_quit;
use unp::udp::udp_client;
use unp::wrap::{inet_pton4, inet_pton6};

fn main() {
    let usage = "usage: test2 <IPaddress>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host] = &args[..] else { err_quit(usage) };
    if inet_pton4(host).is_none() && inet_pton6(host).is_none() {
        err_quit(format!("inet_pton error for {host}"));
    }
    let (sockfd, _serv) = udp_client(Some(host), "13");
    unp::outln!("sockfd = {}", sockfd.as_raw_fd());
}
