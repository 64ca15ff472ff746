//! sockopt (`sockopt/sockopt.c`, §7.5): print a new TCP socket's MSS, set
//! its send buffer to 65536 bytes and print the size read back.
//!
//! Run: `sockopt`. On Linux: `TCP mss = 536` (RFC 1122's default, before
//! any connection), then `send buffer size = 131072`: the kernel doubles
//! what was asked (see the crate's doc).
//!
//! Differs from the C: a usage line for extra arguments (the C ignores
//! them).

use socket2::{Domain, Type};
use unp::args::{arguments, Role};
use unp::{err_quit, wrap, OrDie};

fn main() {
    if !arguments("usage: sockopt", Role::Client).is_empty() {
        err_quit("usage: sockopt");
    }
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);

    // Fetch and print the TCP maximum segment size.
    let mss = sockfd.tcp_mss().or_die("getsockopt error");
    unp::outln!("TCP mss = {mss}");

    // Set the send buffer size, then fetch it and print its value.
    sockfd
        .set_send_buffer_size(65536)
        .or_die("setsockopt error");
    let sendbuff = sockfd.send_buffer_size().or_die("getsockopt error");
    unp::outln!("send buffer size = {sendbuff}");
}
