//! `names/daytimetcpcli3.c` (exercise 11.5, number unchecked): [`names-daytimetcpcli1`]
//! made to build an IPv4 or an IPv6 socket address from the family of each
//! address found (`sock_set_port`, `sock_set_addr`).
//!
//! Run: `names-daytimetcpcli3 localhost daytime` prints `trying
//! [::1]:13` and/or `trying 127.0.0.1:13` (whatever `/etc/hosts` says),
//! then the time. The service must be a name, as in cli1.
//!
//! Differs from the C: the name (intro's `daytimetcpcli3` came first); the
//! C's `gethostbyname` returns IPv4 only, so its IPv6 branch never runs;
//! here the lookup ([`unp::netdb::hostent`], `getaddrinfo` for
//! `AF_UNSPEC`) returns both families and the IPv6 branch is live; error
//! texts are `gai_strerror`'s; the reply is copied as bytes.
//!
//! [`names-daytimetcpcli1`]: ../names_daytimetcpcli1/index.html

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use socket2::{Domain, SockAddr, Type};
use unp::netdb::{getservbyname, hostent};
use unp::udp::{sock_set_addr, sock_set_port};
use unp::{err_quit, err_ret, sock_ntop, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimetcpcli3 <hostname> <service>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, service] = &args[..] else {
        err_quit(usage);
    };

    let hp = hostent(host, libc::AF_UNSPEC)
        .unwrap_or_else(|e| err_quit(format!("hostname error for {host}: {e}")));
    let Some(port) = getservbyname(service, "tcp") else {
        err_quit(format!("getservbyname error for {service}"));
    };

    let mut connected = None;
    for addr in &hp.addrs {
        // The socket address of the family of this address, zeroed, then
        // its port and address set.
        let (domain, sa) = match addr {
            IpAddr::V4(_) => (
                Domain::IPV4,
                SockAddr::from(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
            ),
            IpAddr::V6(_) => (
                Domain::IPV6,
                SockAddr::from(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)),
            ),
        };
        let sa = sock_set_addr(&sock_set_port(&sa, port), *addr);
        let sockfd = wrap::socket(domain, Type::STREAM);
        unp::outln!("trying {}", sock_ntop(&sa));
        match sockfd.connect(&sa) {
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
