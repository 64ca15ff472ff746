//! Figure 27.6, `ipopts/tcpcli01.c`: the echo client with a source route.
//!
//! `-g` (loose) or `-G` (strict), then the routers, then the server: the
//! option is built with `inet_srcrt_init` and `inet_srcrt_add`, the
//! destination last, and set with `setsockopt(IP_OPTIONS)` before
//! `connect`; then `str_cli`. Every segment of the connection carries the
//! route.
//!
//! Run: `ipopts-tcpcli01 [ -[gG] <hostname> ... ] <hostname>` (port 9877):
//! on the test network, in A, `ipopts-tcpcli01 -g 10.0.1.254 10.0.2.4`
//! against `ipopts-tcpserv01` in D, once `accept_source_route` is 1 in A, R
//! and D (Linux drops source-routed datagrams by default: `connect` then
//! waits).
//!
//! Differs from the C: no port argument (the last argument is the
//! destination after a list of routers); an unknown option prints its
//! letter (the C prints `?`); more than one `-g`/`-G` is refused like both;
//! a destination in `0.0.0.0/8` is refused (`cannot connect to 0.1.134.159:
//! not a destination address`; glibc reads `99999` as that address); a
//! line holding a NUL byte is sent and its echo printed whole, where the C
//! stops at the NUL (`strlen`, `fputs`).

use std::io;
use std::net::SocketAddrV4;

use ipopts::{inet_srcrt_init, SourceRoute};
use socket2::{Domain, SockAddr, Type};
use unp::args::{arguments, Role};
use unp::{err_quit, host_serv, str_cli, wrap, OrDie, SERV_PORT};

const USAGE: &str = "usage: tcpcli01 [ -[gG] <hostname> ... ] <hostname>";

fn main() {
    let args = arguments(USAGE, Role::Client);
    if args.is_empty() {
        err_quit(USAGE);
    }
    let mut route: Option<SourceRoute> = None;
    let mut operands = args.as_slice();
    while let Some((opt, rest)) = operands.split_first().filter(|(a, _)| a.starts_with('-')) {
        let strict = match opt.as_str() {
            "-g" => false, // loose source route
            "-G" => true,  // strict source route
            other => err_quit(format!("unrecognized option: {}", &other[1..])),
        };
        if route.is_some() {
            err_quit("can't use both -g and -G");
        }
        route = Some(inet_srcrt_init(strict));
        operands = rest;
    }
    let Some((dest, hops)) = operands.split_last() else {
        err_quit("missing <hostname>")
    };
    match route.as_mut() {
        Some(route) => hops.iter().for_each(|hop| {
            route.add(hop);
        }),
        None if !hops.is_empty() => err_quit("need -g or -G to specify route"),
        None => {}
    }

    let ai = host_serv(
        Some(dest),
        Some(&SERV_PORT.to_string()),
        libc::AF_INET,
        libc::SOCK_STREAM,
    )
    .unwrap_or_else(|e| err_quit(format!("host_serv error for {dest}, {SERV_PORT}: {e}")));
    let servaddr: SocketAddrV4 = ai
        .iter()
        .find_map(|ai| ai.addr.as_socket_ipv4())
        .unwrap_or_else(|| {
            err_quit(format!(
                "host_serv error for {dest}, {SERV_PORT}: no IPv4 address"
            ))
        });
    if unp::raw::never_a_destination((*servaddr.ip()).into()) {
        err_quit(format!(
            "cannot connect to {}: not a destination address",
            servaddr.ip()
        ));
    }
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    if let Some(mut route) = route {
        route.add(dest); // dest at end
        unp::raw::setsockopt(
            &sockfd,
            libc::IPPROTO_IP,
            libc::IP_OPTIONS,
            route.as_bytes(),
        )
        .or_die("setsockopt error");
    }
    wrap::connect(&sockfd, &SockAddr::from(servaddr));
    str_cli(&mut io::stdin().lock(), &sockfd); // do it all
}
