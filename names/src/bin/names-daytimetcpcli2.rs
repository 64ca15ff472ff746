//! `names/daytimetcpcli2.c` (exercise 11.4, number unchecked): [`names-daytimetcpcli1`] that
//! also takes an address literal (`inet_pton` first, then
//! `gethostbyname`) and a port number (`atoi`, then `getservbyname`).
//!
//! Run: `names-daytimetcpcli2 127.0.0.1 13` or `names-daytimetcpcli2
//! localhost daytime` prints `trying 127.0.0.1:13`, then the time.
//!
//! Differs from the C: the name (intro's `daytimetcpcli2` came first);
//! `gethostbyname` (obsolete in glibc) is [`unp::netdb::hostent`] for
//! `AF_INET`, with `gai_strerror`'s error text; the port is a number only
//! when the whole argument is one from 1 to 65535 (the C's `atoi` takes
//! `13abc` as 13 and wraps 65549 to 13); the reply is copied as bytes.
//!
//! [`names-daytimetcpcli1`]: ../names_daytimetcpcli1/index.html

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::{Domain, SockAddr, Type};
use unp::netdb::{getservbyname, hostent};
use unp::{err_quit, err_ret, sock_ntop, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: daytimetcpcli2 <hostname> <service>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, service] = &args[..] else {
        err_quit(usage);
    };

    let addrs: Vec<Ipv4Addr> = if let Some(addr) = wrap::inet_pton4(host) {
        vec![addr]
    } else {
        match hostent(host, libc::AF_INET) {
            Ok(hp) => hp.ipv4(),
            Err(e) => err_quit(format!("hostname error for {host}: {e}")),
        }
    };

    let port = match service.parse::<u16>() {
        Ok(n) if n > 0 => n,
        _ => match getservbyname(service, "tcp") {
            Some(port) => port,
            None => err_quit(format!("getservbyname error for {service}")),
        },
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
