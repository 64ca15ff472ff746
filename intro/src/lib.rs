//! Chapter 1 (`intro/`): what the daytime clients and servers share.

use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, SockAddr, Socket, Type};
use unp::{wrap, OrDie, LISTENQ};

/// The daytime reply (RFC 867): the local time as `ctime(3)` gives it, cut
/// to 24 characters, then `\r\n`: 26 bytes.
pub fn daytime_reply() -> String {
    format!("{}\r\n", unp::time::ctime_now())
}

/// `socket`, `bind` to the wildcard address and `port`, `listen`: the first
/// three steps of every daytime server (Figure 1.9). As in the C there is no
/// `SO_REUSEADDR`.
pub fn listen_wildcard(domain: Domain, port: u16) -> Socket {
    let listenfd = wrap::socket(domain, Type::STREAM);
    let any = match domain {
        Domain::IPV6 => SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
        _ => SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
    };
    wrap::bind(&listenfd, &SockAddr::from(any));
    wrap::listen(&listenfd, LISTENQ);
    listenfd
}

/// Copy everything the server sends to stdout until it closes, as Figure
/// 1.5's loop does: TCP is a byte stream, so one reply may take any number of
/// reads. Returns how many reads returned data. Dies with `read error` or
/// `fputs error`.
pub fn copy_until_eof(sock: &Socket) -> usize {
    let mut recvline = [0u8; unp::MAXLINE];
    let mut stdout = io::stdout();
    let mut reads = 0;
    loop {
        let n = wrap::read(sock, &mut recvline);
        if n == 0 {
            break;
        }
        reads += 1;
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
    stdout.flush().or_die("fputs error");
    reads
}
