//! `advio/udpserv04.c` (§22.6): the protocol-independent version of
//! `udpserv03`.
//!
//! The family and port come from `udp_client([host], service)`: with an
//! IPv6 host (`::1`, `::`) it binds every IPv6 address, the broadcast
//! step never applies, and the wildcard is `[::]`; with an IPv4 one it does
//! what `udpserv03` does. The host only chooses the family. Service names
//! work: `udpserv04 127.0.0.1 echo` binds port 7.
//!
//! Run: `udpserv04 [<host>] <service or port>`, e.g. `udpserv04 ::1 9877`
//! (it returns at once, the children keep running), then send datagrams to
//! `::1` or `127.0.0.1`.
//!
//! Differences from the C: the interface addresses come from
//! `getifaddrs(3)`, which lists IPv6 ones; the book's `get_ifi_info`
//! (`SIOCGIFCONF`) returns IPv4 only on Linux, so the C fails in IPv6 with
//! `get_ifi_info error`.

use unp::udp;

fn main() {
    let usage = "usage: udpserv04 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let (sockfd, sa) = match args.as_slice() {
        [serv] => udp::udp_client(None, serv),
        [host, serv] => udp::udp_client(Some(host), serv),
        _ => unp::err_quit(usage),
    };
    // Only the family and the port were wanted.
    unp::wrap::close(sockfd);
    advio::serve_every_address(&udp::sock_set_wild(&sa));
}
