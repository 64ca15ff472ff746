//! Figures 28.4–28.15, `ping/` (`main.c`, `readloop.c`, `proc_v4.c`,
//! `proc_v6.c`, `send_v4.c`, `send_v6.c`, `sig_alrm.c`, `init_v6.c`): ping
//! over a raw ICMP socket, IPv4 and IPv6.
//!
//! Once a second an echo request goes out, built by hand: type, code, the
//! process id as identifier, a sequence number, 56 bytes of `0xa5` whose
//! first 16 are the time of sending, and (IPv4 only) the Internet checksum
//! ([`unp::cksum::in_cksum`]). Every ICMP message the host receives
//! reaches the raw socket; the replies carrying our identifier are printed
//! with their round-trip time. IPv4 replies arrive with their IP header (the
//! TTL is read there); IPv6 replies without it, and the hop limit comes as
//! ancillary data (`IPV6_RECVHOPLIMIT`); the kernel computes the ICMPv6
//! checksum; an `ICMP6_FILTER` passes only echo replies unless `-v`. It runs
//! until killed and prints no statistics.
//!
//! Run (root, or `CAP_NET_RAW`): `ping [ -v ] <hostname>`: `ping 127.0.0.1`,
//! `ping ::1`.
//!
//! Differs from the C:
//! - The C sends from its `SIGALRM` handler. Here the handler only sets a
//!   flag, and the loop sends: `SIGALRM` stays blocked except inside
//!   `ppoll(2)`, where it interrupts the wait (`pselect`'s fix of §20.5), so
//!   no tick is lost between the check and the wait. Then one `recvmsg`.
//! - The identifier and sequence number go out in network byte order (the C
//!   stores them in host order, so tcpdump and other pings show the
//!   sequence byte-swapped on a little-endian host); the printed numbers
//!   are the same.
//! - A destination in `0.0.0.0/8` or `::` (never a destination; glibc
//!   reads `ping 99999` as `0.1.134.159`) is refused: `cannot ping
//!   0.1.134.159: not a destination address`, exit 1. The C pings it for
//!   ever.
//! - An unknown option prints `unrecognized option: <the option>` where
//!   the C prints `?` (getopt's return value).

use std::io::IoSliceMut;
use std::os::fd::AsRawFd;
use std::time::SystemTime;

use nix::errno::Errno;
use nix::sys::socket::{
    recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, SockaddrStorage,
};
use nix::unistd::{getpid, getuid, setuid};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::cksum::in_cksum;
use unp::raw::{
    self, rtt_ms, timeval_now, AlarmWait, Icmp6Filter, ICMP6_ECHO_REPLY, ICMP6_ECHO_REQUEST,
    ICMP_ECHO, ICMP_ECHOREPLY, TIMEVAL_LEN,
};
use unp::{err_quit, err_sys, outln, sock_ntop_host, OrDie};

const USAGE: &str = "usage: ping [ -v ] <hostname>";
/// The largest packet read or sent (`BUFSIZE`).
const BUFSIZE: usize = 1500;
/// Bytes of data after the 8-byte ICMP header.
const DATALEN: usize = 56;

/// The book's `struct proto`: what differs between IPv4 and IPv6.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Proto {
    V4,
    V6,
}

/// The C's globals.
struct Ping {
    proto: Proto,
    sockfd: Socket,
    sasend: SockAddr,
    pid: u16,
    nsent: u16,
    verbose: bool,
    alarm: AlarmWait,
}

fn main() {
    let mut verbose = false;
    let mut operands = Vec::new();
    for arg in arguments(USAGE, Role::Client) {
        match arg.strip_prefix('-') {
            Some("v") => verbose = true,
            Some(opt) if !opt.is_empty() => err_quit(format!("unrecognized option: {opt}")),
            _ => operands.push(arg),
        }
    }
    let [host] = operands.as_slice() else {
        err_quit(USAGE)
    };

    let pid = (getpid().as_raw() & 0xffff) as u16;
    let alarm = AlarmWait::install();

    let ai = raw::destination(host, "ping");
    let h = sock_ntop_host(&ai.addr);
    outln!(
        "PING {} ({h}): {DATALEN} data bytes",
        ai.canonname.as_deref().unwrap_or(&h)
    );

    let proto = match raw::is_ipv6(&ai, "ping") {
        false => Proto::V4,
        true => Proto::V6,
    };
    let (domain, protocol) = match proto {
        Proto::V4 => (Domain::IPV4, Protocol::ICMPV4),
        Proto::V6 => (Domain::IPV6, Protocol::ICMPV6),
    };
    let sockfd = Socket::new(domain, Type::RAW, Some(protocol)).or_die("socket error");
    let mut ping = Ping {
        proto,
        sockfd,
        sasend: ai.addr,
        pid,
        nsent: 0,
        verbose,
        alarm,
    };
    readloop(&mut ping);
}

/// `readloop` (Figure 28.6): drop root once the raw socket exists, set up
/// IPv6, send the first request, then read forever.
fn readloop(ping: &mut Ping) -> ! {
    // Root is needed only for the socket: give it up, as the C does.
    let _ = setuid(getuid());
    if ping.proto == Proto::V6 {
        init_v6(ping);
    }
    let _ = ping.sockfd.set_recv_buffer_size(60 * 1024); // a failure is fine

    sig_alrm_send(ping); // send the first packet

    let mut recvbuf = [0u8; BUFSIZE];
    let mut controlbuf = nix::cmsg_space!(libc::c_int);
    loop {
        if ping.alarm.went_off() {
            sig_alrm_send(ping);
        }
        if !ping.alarm.readable(&ping.sockfd) {
            continue; // EINTR: SIGALRM
        }
        let mut iov = [IoSliceMut::new(&mut recvbuf)];
        let msg = recvmsg::<SockaddrStorage>(
            ping.sockfd.as_raw_fd(),
            &mut iov,
            Some(&mut controlbuf),
            MsgFlags::empty(),
        );
        let msg = match msg {
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "recvmsg error"),
            Ok(msg) => msg,
        };
        let tvrecv = SystemTime::now();
        let n = msg.bytes;
        let from = msg.address.as_ref().and_then(unp::udp::to_sockaddr);
        let hlim = msg
            .cmsgs()
            .ok()
            .into_iter()
            .flatten()
            .find_map(|cmsg| match cmsg {
                ControlMessageOwned::Ipv6HopLimit(hlim) => Some(hlim),
                _ => None,
            });
        let from = from.map(|sa| sock_ntop_host(&sa)).unwrap_or_default();
        match ping.proto {
            Proto::V4 => proc_v4(ping, &recvbuf[..n], &from, tvrecv),
            Proto::V6 => proc_v6(ping, &recvbuf[..n], &from, hlim, tvrecv),
        }
    }
}

/// `proc_v4` (Figure 28.8): skip the IP header, keep our echo replies.
fn proc_v4(ping: &Ping, ptr: &[u8], from: &str, tvrecv: SystemTime) {
    let Some(&vhl) = ptr.first() else { return };
    let hlen1 = usize::from(vhl & 0x0f) << 2; // length of IP header
    if ptr.len() < 20 || ptr[9] != libc::IPPROTO_ICMP as u8 {
        return; // not ICMP
    }
    let ttl = ptr[8];
    let Some(icmp) = ptr.get(hlen1..) else { return };
    let icmplen = icmp.len();
    if icmplen < 8 {
        return; // malformed packet
    }
    if icmp[0] == ICMP_ECHOREPLY {
        if u16::from_be_bytes([icmp[4], icmp[5]]) != ping.pid {
            return; // not a response to our ECHO_REQUEST
        }
        let Some(tvsend) = icmp.get(8..8 + TIMEVAL_LEN) else {
            return; // not enough data to use
        };
        let rtt = rtt_ms(tvsend.try_into().unwrap_or(&[0; TIMEVAL_LEN]), tvrecv);
        let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
        outln!("{icmplen} bytes from {from}: seq={seq}, ttl={ttl}, rtt={rtt:.3} ms");
    } else if ping.verbose {
        outln!(
            "  {icmplen} bytes from {from}: type = {}, code = {}",
            icmp[0],
            icmp[1]
        );
    }
}

/// `proc_v6` (Figure 28.12): no IP header; the hop limit is ancillary data.
fn proc_v6(ping: &Ping, icmp6: &[u8], from: &str, hlim: Option<i32>, tvrecv: SystemTime) {
    let len = icmp6.len();
    if len < 8 {
        return; // malformed packet
    }
    if icmp6[0] == ICMP6_ECHO_REPLY {
        if u16::from_be_bytes([icmp6[4], icmp6[5]]) != ping.pid {
            return; // not a response to our ECHO_REQUEST
        }
        let Some(tvsend) = icmp6.get(8..8 + TIMEVAL_LEN) else {
            return; // not enough data to use
        };
        let rtt = rtt_ms(tvsend.try_into().unwrap_or(&[0; TIMEVAL_LEN]), tvrecv);
        let seq = u16::from_be_bytes([icmp6[6], icmp6[7]]);
        let hlim = hlim.map_or("???".to_string(), |h| h.to_string()); // ancillary data missing
        outln!("{len} bytes from {from}: seq={seq}, hlim={hlim}, rtt={rtt:.3} ms");
    } else if ping.verbose {
        outln!(
            "  {len} bytes from {from}: type = {}, code = {}",
            icmp6[0],
            icmp6[1]
        );
    }
}

/// `send_v4` (Figure 28.13): an echo request with our checksum.
fn send_v4(ping: &mut Ping) {
    let mut sendbuf = echo_request(ping, ICMP_ECHO);
    let cksum = in_cksum(&sendbuf);
    sendbuf[2..4].copy_from_slice(&cksum.to_be_bytes());
    ping.sockfd
        .send_to(&sendbuf, &ping.sasend)
        .or_die("sendto error");
}

/// `send_v6` (Figure 28.15): the kernel computes and stores the checksum.
fn send_v6(ping: &mut Ping) {
    let sendbuf = echo_request(ping, ICMP6_ECHO_REQUEST);
    ping.sockfd
        .send_to(&sendbuf, &ping.sasend)
        .or_die("sendto error");
}

/// The request both `send_v4` and `send_v6` fill: type, code 0, checksum 0,
/// id, `nsent++`, the pattern with the time of sending in front.
fn echo_request(ping: &mut Ping, icmp_type: u8) -> Vec<u8> {
    let mut sendbuf = vec![0xa5; 8 + DATALEN]; // fill with pattern
    sendbuf[..4].copy_from_slice(&[icmp_type, 0, 0, 0]);
    sendbuf[4..6].copy_from_slice(&ping.pid.to_be_bytes());
    sendbuf[6..8].copy_from_slice(&ping.nsent.to_be_bytes());
    ping.nsent = ping.nsent.wrapping_add(1);
    sendbuf[8..8 + TIMEVAL_LEN].copy_from_slice(&timeval_now());
    sendbuf
}

/// `init_v6` (Figure 28.10): only echo replies unless verbose, and the
/// hop limit as ancillary data; errors ignored, as in the C.
fn init_v6(ping: &Ping) {
    if !ping.verbose {
        let _ = Icmp6Filter::block_all()
            .pass(ICMP6_ECHO_REPLY)
            .install(&ping.sockfd);
    }
    let _ = setsockopt(&ping.sockfd, sockopt::Ipv6RecvHopLimit, &true);
}

/// `sig_alrm` (Figure 28.16), run by the loop once the signal has come
/// (see the doc): send a request, then `alarm(1)`.
fn sig_alrm_send(ping: &mut Ping) {
    match ping.proto {
        Proto::V4 => send_v4(ping),
        Proto::V6 => send_v6(ping),
    }
    ping.alarm.set(1);
}
