//! Figure 11.4, `names/daytimetcpcli1.c`: the daytime client with names:
//! `gethostbyname` for the host and `getservbyname` for the service, then a
//! connect to each address in turn until one answers.
//!
//! Run: `names-daytimetcpcli1 localhost daytime` (a daytime server on port
//! 13, e.g. `names-daytimetcpsrv1 daytime`) prints `trying 127.0.0.1:13`,
//! then the time. An address that refuses prints `connect error:
//! Connection refused` on stderr and the next is tried; when none is left,
//! `unable to connect`.
//!
//! The lesson's limits are kept: IPv4 only, and the service must be a
//! name: `names-daytimetcpcli1 localhost 13` fails with
//! `getservbyname error for 13`.
//!
//! Differs from the C: the name (intro's `daytimetcpcli1` came first);
//! `gethostbyname` (obsolete in glibc) is [`unp::netdb::hostent`] for
//! `AF_INET` (`getaddrinfo`), whose error text is `gai_strerror`'s; the
//! reply is copied as bytes, a NUL included.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::{Domain, SockAddr, Type};
use unp::netdb::{getservbyname, hostent};
use unp::{err_quit, err_ret, sock_ntop, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimetcpcli1 <hostname> <service>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, service] = &args[..] else {
        err_quit(usage);
    };

    let addrs: Vec<Ipv4Addr> = match hostent(host, libc::AF_INET) {
        Ok(hp) => hp.ipv4(),
        // The C falls back to inet_aton; getaddrinfo already reads literals.
        Err(e) => match host.parse::<Ipv4Addr>() {
            Ok(inetaddr) => vec![inetaddr],
            Err(_) => err_quit(format!("hostname error for {host}: {e}")),
        },
    };

    let Some(port) = getservbyname(service, "tcp") else {
        err_quit(format!("getservbyname error for {service}"));
    };

    let mut connected = None;
    for addr in addrs {
        let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
        let servaddr = SockAddr::from(SocketAddr::new(IpAddr::V4(addr), port));
        unp::outln!("trying {}", sock_ntop(&servaddr));
        match sockfd.connect(&servaddr) {
            Ok(()) => {
                connected = Some(sockfd);
                break; // success
            }
            Err(err) => err_ret(&err, "connect error"), // and close sockfd
        }
    }
    let Some(sockfd) = connected else {
        err_quit("unable to connect");
    };

    let mut recvline = [0u8; MAXLINE];
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
}
