//! test-test2 (`test/test2.c`): `udp_client(<IPaddress>, "13")` and prints
//! the descriptor it returns, `sockfd = 3` (0, 1 and 2 are taken), for an
//! IPv4 or an IPv6 address.
//!
//! Run: `test-test2 127.0.0.1` or `test-test2 ::1`: `sockfd = 3`.
//!
//! Differs from the C: the name (names/ and libgai/ have a `test2`).

use std::os::fd::AsRawFd;

use unp::err_quit;
use unp::udp::udp_client;

fn main() {
    let usage = "usage: test2 <IPaddress>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host] = &args[..] else { err_quit(usage) };
    let (sockfd, _serv) = udp_client(Some(host), "13");
    unp::outln!("sockfd = {}", sockfd.as_raw_fd());
}
