//! Figures 28.30–28.37, `icmpd/icmpd.c`, `readable_listen.c`,
//! `readable_conn.c`, `readable_v4.c`, `readable_v6.c` (`icmpd.h`,
//! `unpicmpd.h`): the ICMP message daemon.
//!
//! One `select` loop over a raw ICMPv4 socket, a raw ICMPv6 socket, a Unix
//! domain listening socket on `/tmp/icmpd`, and one Unix domain connection
//! per client. A client sends one byte and its UDP socket; the daemon
//! records the socket's family and local port and answers `1`. Each ICMP
//! message is printed; an error that quotes a UDP datagram from a
//! client's port is written to that client as a `struct icmpd_err`
//! ([`icmpd::IcmpdErr`]).
//!
//! Run (root): `icmpd [pathname]` (default `/tmp/icmpd`), then
//! `icmpd-udpcli01 <hostname> <service> [pathname]`.
//!
//! Differs from the C (the daemon survives anything a client or the network
//! sends it):
//! - A short ICMP message is reported (`icmplen (N) < 8`, ...) and
//!   skipped; the C's `err_quit` ends the daemon. The C's ICMPv6 check
//!   (`8 + 8` bytes) lets it read 56; here a quoted header is read only
//!   when it is all there (`icmp6len (N) < 8 + 40 + 8`).
//! - A write to a client that has gone is ignored (its connection reports
//!   the end next); the C's `Write` would end the daemon. A client whose
//!   connection fails is dropped like one that closed it.
//! - The socket a client passes must be IPv4 or IPv6: any other is refused
//!   (`0`, `client N: not an IPv4 or IPv6 socket`); the C records port -1.
//! - The pathname is an optional argument, and must be absolute; it is
//!   removed first only when it is a socket nobody listens on
//!   (`unp::unix::unlink_stale`), where the C removes whatever is there.
//! - A descriptor at or above `FD_SETSIZE` cannot go into `select`'s set:
//!   such a client is closed at once, as the C closes one when its table is
//!   full.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};

use icmpd::{sock_bind_wild, IcmpdErr, ICMPD_PATH};
use nix::sys::select::{select, FdSet};
use socket2::{Domain, Protocol, SockRef, Socket, Type};
use unp::args::{arguments, Role};
use unp::raw::{
    ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED,
    ICMP_SOURCEQUENCH, ICMP_TIMXCEED, ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG, ICMP_UNREACH_PORT,
};
use unp::udp::recvfrom;
use unp::unix::{read_fd, sockaddr_un, unlink_stale};
use unp::{
    err_msg, err_quit, err_ret, out, outln, sock_ntop_host, wrap, writen, OrDie, LISTENQ, MAXLINE,
};

const USAGE: &str = "usage: icmpd [pathname]";
const FD_SETSIZE: usize = libc::FD_SETSIZE;

/// `struct client`: a connection, and once it has passed its socket, the
/// socket's family and local port.
struct Client {
    connfd: Socket,
    bound: Option<(libc::sa_family_t, u16)>,
}

/// The C's globals.
struct Icmpd {
    fd4: Socket,
    fd6: Socket,
    listenfd: Socket,
    client: Vec<Option<Client>>,
}

fn main() {
    let args = arguments(USAGE, Role::Server);
    let path = match args.as_slice() {
        [] => ICMPD_PATH,
        [path] if path.starts_with('/') => path,
        _ => err_quit(USAGE),
    };

    let fd4 = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).or_die("socket error");
    let fd6 = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::ICMPV6)).or_die("socket error");

    let listenfd = wrap::socket(Domain::UNIX, Type::STREAM);
    let sun = sockaddr_un(path);
    unlink_stale(path, Type::STREAM);
    wrap::bind(&listenfd, &sun);
    wrap::listen(&listenfd, LISTENQ);

    let mut icmpd = Icmpd {
        fd4,
        fd6,
        listenfd,
        client: Vec::new(),
    };
    loop {
        let mut rset = FdSet::new();
        rset.insert(icmpd.listenfd.as_fd());
        rset.insert(icmpd.fd4.as_fd());
        rset.insert(icmpd.fd6.as_fd());
        for client in icmpd.client.iter().flatten() {
            rset.insert(client.connfd.as_fd());
        }
        select(None, &mut rset, None, None, None).or_die("select error");
        let ready: Vec<bool> = icmpd
            .client
            .iter()
            .map(|c| c.as_ref().is_some_and(|c| rset.contains(c.connfd.as_fd())))
            .collect();
        let (listen, v4, v6) = (
            rset.contains(icmpd.listenfd.as_fd()),
            rset.contains(icmpd.fd4.as_fd()),
            rset.contains(icmpd.fd6.as_fd()),
        );
        if listen {
            readable_listen(&mut icmpd);
        }
        if v4 {
            readable_v4(&icmpd);
        }
        if v6 {
            readable_v6(&icmpd);
        }
        for (i, ready) in ready.into_iter().enumerate() {
            if ready {
                readable_conn(&mut icmpd, i);
            }
        }
    }
}

/// `readable_listen` (Figure 28.33): a new client in the first free slot.
fn readable_listen(icmpd: &mut Icmpd) {
    let Ok((connfd, _cliaddr)) = icmpd.listenfd.accept() else {
        return; // the client went away first, or no descriptor left: next time
    };
    let fd = connfd.as_raw_fd();
    if fd as usize >= FD_SETSIZE {
        return; // select cannot watch it: close the new connection
    }
    let i = match icmpd.client.iter().position(Option::is_none) {
        Some(i) => i,
        None if icmpd.client.len() < FD_SETSIZE => {
            icmpd.client.push(None);
            icmpd.client.len() - 1
        }
        None => return, // can't handle new client: close it rudely
    };
    outln!("new connection, i = {i}, connfd = {fd}");
    icmpd.client[i] = Some(Client {
        connfd,
        bound: None,
    });
}

/// `readable_conn` (Figures 28.34–28.35): the client's descriptor, its
/// family and port (bound now if it has none), and `1`; or its end.
fn readable_conn(icmpd: &mut Icmpd, i: usize) {
    let Some(client) = icmpd.client[i].as_mut() else {
        return;
    };
    let mut c = [0u8; 1];
    let recvfd = match read_fd(&client.connfd, &mut c) {
        Ok((n, recvfd)) if n > 0 => recvfd,
        ended => {
            let recvfd = ended.ok().and_then(|(_, fd)| fd);
            let shown = recvfd.as_ref().map_or(-1, |fd| fd.as_raw_fd());
            err_msg(format!("client {i} terminated, recvfd = {shown}"));
            icmpd.client[i] = None; // client probably terminated
            return;
        }
    };
    // Data from the client: it should be a descriptor.
    let Some(recvfd) = recvfd else {
        err_msg("read_fd did not return descriptor");
        return client_err(icmpd, i);
    };
    let ss = match SockRef::from(&recvfd).local_addr() {
        Ok(ss) => ss,
        Err(err) => {
            err_ret(&err, "getsockname error");
            return client_err(icmpd, i);
        }
    };
    let family = ss.family();
    let lport = match ss.as_socket().map(|sa| sa.port()) {
        None => {
            err_msg(format!("client {i}: not an IPv4 or IPv6 socket"));
            return client_err(icmpd, i);
        }
        Some(0) => match sock_bind_wild(&recvfd, family) {
            Ok(port) => port,
            Err(err) => {
                err_ret(&err, "error binding ephemeral port");
                return client_err(icmpd, i);
            }
        },
        Some(port) => port,
    };
    client.bound = Some((family, lport));
    let _ = writen(&client.connfd, b"1"); // tell client all OK
    drop(recvfd); // all done with client's UDP socket
}

/// `clienterr:` tell the client an error occurred, and close it.
fn client_err(icmpd: &mut Icmpd, i: usize) {
    if let Some(client) = icmpd.client[i].take() {
        let _ = writen(&client.connfd, b"0");
    }
}

/// `readable_v4` (Figures 28.36–28.37): print the message; pass a UDP
/// error to the clients of its source port.
fn readable_v4(icmpd: &Icmpd) {
    let mut buf = [0u8; MAXLINE];
    let Ok((n, from)) = recvfrom(&icmpd.fd4, &mut buf) else {
        return;
    };
    out!("{n} bytes ICMPv4 from {}:", sock_ntop_host(&from));
    let buf = &buf[..n];
    let hlen1 = usize::from(buf[0] & 0x0f) << 2; // length of IP header
    let icmp = buf.get(hlen1..).unwrap_or_default();
    let icmplen = icmp.len();
    if icmplen < 8 {
        outln!();
        return err_msg(format!("icmplen ({icmplen}) < 8"));
    }
    let (icmp_type, icmp_code) = (icmp[0], icmp[1]);
    outln!(" type = {icmp_type}, code = {icmp_code}");
    if ![ICMP_UNREACH, ICMP_TIMXCEED, ICMP_SOURCEQUENCH].contains(&icmp_type) {
        return;
    }
    if icmplen < 8 + 20 + 8 {
        return err_msg(format!("icmplen ({icmplen}) < 8 + 20 + 8"));
    }
    let hip = &icmp[8..];
    let hlen2 = usize::from(hip[0] & 0x0f) << 2;
    let srcip = Ipv4Addr::from([hip[12], hip[13], hip[14], hip[15]]);
    let dstip = Ipv4Addr::from([hip[16], hip[17], hip[18], hip[19]]);
    outln!("\tsrcip = {srcip}, dstip = {dstip}, proto = {}", hip[9]);
    let Some(udp) = hip.get(hlen2..hlen2 + 4) else {
        return; // IP options: the UDP ports were cut off
    };
    if hip[9] == libc::IPPROTO_UDP as u8 {
        let errno = match (icmp_type, icmp_code) {
            (ICMP_UNREACH, ICMP_UNREACH_PORT) => libc::ECONNREFUSED,
            (ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG) => libc::EMSGSIZE,
            _ => libc::EHOSTUNREACH, // default
        };
        let sport = u16::from_be_bytes([udp[0], udp[1]]);
        let dport = u16::from_be_bytes([udp[2], udp[3]]);
        let err = IcmpdErr {
            errno,
            icmp_type,
            icmp_code,
            dest: SocketAddr::new(dstip.into(), dport),
        };
        send_to_clients(icmpd, libc::AF_INET, sport, &err);
    }
}

/// `readable_v6` (Figure 28.38): the same for ICMPv6, which comes without
/// the IPv6 header.
fn readable_v6(icmpd: &Icmpd) {
    let mut buf = [0u8; MAXLINE];
    let Ok((n, from)) = recvfrom(&icmpd.fd6, &mut buf) else {
        return;
    };
    out!("{n} bytes ICMPv6 from {}:", sock_ntop_host(&from));
    let icmp6 = &buf[..n];
    let icmp6len = icmp6.len();
    if icmp6len < 8 {
        outln!();
        return err_msg(format!("icmp6len ({icmp6len}) < 8"));
    }
    let (icmp6_type, icmp6_code) = (icmp6[0], icmp6[1]);
    outln!(" type = {icmp6_type}, code = {icmp6_code}");
    if ![ICMP6_DST_UNREACH, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED].contains(&icmp6_type) {
        return;
    }
    if icmp6len < 8 + 40 + 8 {
        return err_msg(format!("icmp6len ({icmp6len}) < 8 + 40 + 8"));
    }
    let hip6 = &icmp6[8..];
    let address =
        |at: usize| Ipv6Addr::from(<[u8; 16]>::try_from(&hip6[at..at + 16]).unwrap_or_default());
    let (srcip, dstip, next_header) = (address(8), address(24), hip6[6]);
    outln!("\tsrcip = {srcip}, dstip = {dstip}, next hdr = {next_header}");
    if next_header == libc::IPPROTO_UDP as u8 {
        let udp = &hip6[40..];
        let errno = match (icmp6_type, icmp6_code) {
            (ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT) => libc::ECONNREFUSED,
            (ICMP6_PACKET_TOO_BIG, _) => libc::EMSGSIZE,
            _ => libc::EHOSTUNREACH, // default
        };
        let sport = u16::from_be_bytes([udp[0], udp[1]]);
        let dport = u16::from_be_bytes([udp[2], udp[3]]);
        let err = IcmpdErr {
            errno,
            icmp_type: icmp6_type,
            icmp_code: icmp6_code,
            dest: SocketAddr::new(dstip.into(), dport),
        };
        send_to_clients(icmpd, libc::AF_INET6, sport, &err);
    }
}

/// Find the clients whose socket is of `family` and bound to `sport`, and
/// write them the error.
fn send_to_clients(icmpd: &Icmpd, family: i32, sport: u16, err: &IcmpdErr) {
    for client in icmpd.client.iter().flatten() {
        if client.bound == Some((family as libc::sa_family_t, sport)) {
            let _ = writen(&client.connfd, &err.to_bytes()); // a client gone: its end shows next
        }
    }
}
