//! Figures 28.17–28.27, `traceroute/` (`main.c`, `traceloop.c`,
//! `recv_v4.c`, `recv_v6.c`, `icmpcode_v4.c`, `icmpcode_v6.c`,
//! `sig_alrm.c`, `trace.h`): the route to a host, hop by hop.
//!
//! UDP probes go out with a TTL (IPv6: hop limit) of 1, 2, 3, ..., three
//! per TTL, to unlikely ports (33435 and up), from a source port made of
//! the process id. The router where the TTL runs out answers ICMP "time
//! exceeded"; the destination, which has no one on the port, answers "port
//! unreachable", and the trace ends. A raw ICMP socket reads those answers;
//! the UDP header quoted inside each is matched against the probe's ports.
//! Each probe is given 3 seconds (`alarm(3)`), then ` *`.
//!
//! Run (root, or `CAP_NET_RAW`): `traceroute [ -m <maxttl> -v ] <hostname>`;
//! across the test network: `scripts/netlab`, then `traceroute <far host>`.
//!
//! Differs from the C:
//! - The `SIGALRM` handler sets `gotalarm` as in the C, but the signal is
//!   blocked except inside `ppoll(2)` (then `recvfrom`), so an alarm that
//!   fires between the flag's check and the wait is not lost (`pselect`'s
//!   fix of §20.5); the C can wait for ever there.
//! - The C's `recv_v6` takes any "time exceeded" as its own (its `break` is
//!   outside the `if` that matches the ports, and `ret` is then unset); here,
//!   as in `recv_v4`, only one quoting our probe counts.
//! - `-m` takes a number only (`-m 5`; the C's `atoi` reads `5x` as 5);
//!   an unknown option prints its letter where the C prints `?`.
//! - A destination in `0.0.0.0/8` or `::` is refused (`cannot traceroute
//!   0.1.134.159: not a destination address`; glibc reads `99999` as that
//!   address).

use std::io::{self, Write};
use std::net::IpAddr;
use std::time::SystemTime;

use nix::unistd::{getpid, getuid, setuid};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::netdb::getnameinfo;
use unp::raw::{
    self, rtt_ms, timeval_now, AlarmWait, Icmp6Filter, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT,
    ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS,
    ICMP_UNREACH, ICMP_UNREACH_PORT, IP6_HDR_LEN, TIMEVAL_LEN,
};
use unp::udp::{recvfrom, sock_set_port, sock_set_wild};
use unp::{err_quit, err_sys, out, outln, sock_ntop_host, OrDie};

const USAGE: &str = "usage: traceroute [ -m <maxttl> -v ] <hostname>";
const BUFSIZE: usize = 1500;
/// `sizeof(struct rec)`: sequence, TTL, padding, `struct timeval`.
const DATALEN: usize = 24;
/// The first destination port is `DPORT + 1`.
const DPORT: u16 = 32768 + 666;
const NPROBES: usize = 3;

/// What `recv_v4` and `recv_v6` found.
enum Reply {
    /// `-3`: no answer in time.
    Timeout,
    /// `-2`: a router's "time exceeded": keep going.
    TimeExceeded,
    /// `-1`: "port unreachable": the destination; done.
    PortUnreachable,
    /// `>= 0`: another "unreachable" code.
    Unreachable(u8),
}

/// The book's `struct proto`, and the C's globals.
struct Trace {
    v6: bool,
    recvfd: Socket,
    sendfd: Socket,
    /// The destination (its port set per probe).
    sasend: SockAddr,
    sport: u16,
    verbose: bool,
    alarm: AlarmWait,
    /// Where `recvfrom` reads the ICMP messages.
    recvbuf: [u8; BUFSIZE],
}

fn main() {
    let mut verbose = false;
    let mut max_ttl: u32 = 30;
    let mut operands = Vec::new();
    let mut args = arguments(USAGE, Role::Client).into_iter();
    while let Some(arg) = args.next() {
        match arg.strip_prefix('-') {
            Some("v") => verbose = true,
            Some("m") => {
                max_ttl = args
                    .next()
                    .and_then(|m| m.parse().ok())
                    .filter(|&m| m > 1 && m <= 255)
                    .unwrap_or_else(|| err_quit("invalid -m value"));
            }
            Some(opt) if !opt.is_empty() => err_quit(format!("unrecognized option: {opt}")),
            _ => operands.push(arg),
        }
    }
    let [host] = operands.as_slice() else {
        err_quit(USAGE)
    };

    let alarm = AlarmWait::install();

    let ai = raw::destination(host, "traceroute");
    let h = sock_ntop_host(&ai.addr);
    outln!(
        "traceroute to {} ({h}): {max_ttl} hops max, {DATALEN} data bytes",
        ai.canonname.as_deref().unwrap_or(&h)
    );

    let v6 = raw::is_ipv6(&ai, "traceroute");
    traceloop(ai.addr, v6, max_ttl, verbose, alarm);
}

/// `traceloop` (Figures 28.19–28.20).
fn traceloop(sasend: SockAddr, v6: bool, max_ttl: u32, verbose: bool, alarm: AlarmWait) {
    let (domain, icmpproto) = match v6 {
        false => (Domain::IPV4, Protocol::ICMPV4),
        true => (Domain::IPV6, Protocol::ICMPV6),
    };
    let recvfd = Socket::new(domain, Type::RAW, Some(icmpproto)).or_die("socket error");
    // Root is needed only for the raw socket: give it up, as the C does.
    let _ = setuid(getuid());
    if v6 && !verbose {
        let _ = Icmp6Filter::block_all()
            .pass(ICMP6_TIME_EXCEEDED)
            .pass(ICMP6_DST_UNREACH)
            .install(&recvfd); // only an optimisation: errors ignored
    }

    let sendfd = Socket::new(domain, Type::DGRAM, None).or_die("socket error");
    let sport = (getpid().as_raw() & 0xffff) as u16 | 0x8000; // our source UDP port
    let sabind = sock_set_port(&sock_set_wild(&sasend), sport);
    sendfd.bind(&sabind).or_die("bind error");
    let mut tr = Trace {
        v6,
        recvfd,
        sendfd,
        sasend,
        sport,
        verbose,
        alarm,
        recvbuf: [0; BUFSIZE],
    };

    let mut seq: u16 = 0;
    let mut done = false;
    let mut ttl = 1;
    while ttl <= max_ttl && !done {
        let set_ttl = match v6 {
            false => tr.sendfd.set_ttl_v4(ttl),
            true => tr.sendfd.set_unicast_hops_v6(ttl),
        };
        set_ttl.or_die("setsockopt error");
        let mut salast: Option<IpAddr> = None;
        out!("{ttl:2} ");
        flush();
        for _probe in 0..NPROBES {
            seq = seq.wrapping_add(1);
            let mut rec = [0u8; DATALEN];
            rec[..2].copy_from_slice(&seq.to_ne_bytes());
            rec[2..4].copy_from_slice(&(ttl as u16).to_ne_bytes());
            let tvsend = timeval_now();
            rec[8..8 + TIMEVAL_LEN].copy_from_slice(&tvsend);
            let to = sock_set_port(&tr.sasend, DPORT.wrapping_add(seq));
            tr.sendfd.send_to(&rec, &to).or_die("sendto error");

            let (code, sarecv, tvrecv) = match tr.v6 {
                false => recv_v4(&mut tr, seq),
                true => recv_v6(&mut tr, seq),
            };
            match code {
                Reply::Timeout => out!(" *"), // timeout, no reply
                code => {
                    let from = sarecv
                        .as_ref()
                        .and_then(SockAddr::as_socket)
                        .map(|s| s.ip());
                    if from != salast {
                        if let Some(sarecv) = &sarecv {
                            let addr = sock_ntop_host(sarecv);
                            match getnameinfo(sarecv, 0) {
                                Ok((name, _)) => out!(" {name} ({addr})"),
                                Err(_) => out!(" {addr}"),
                            }
                        }
                        salast = from;
                    }
                    out!("  {:.3} ms", rtt_ms(&tvsend, tvrecv));
                    match code {
                        Reply::PortUnreachable => done = true, // at destination
                        Reply::Unreachable(code) => out!(" (ICMP {})", icmpcode(tr.v6, code)),
                        _ => {}
                    }
                }
            }
            flush();
        }
        outln!();
        ttl += 1;
    }
}

/// The C's `fflush(stdout)`: a partial line shows while the next probe
/// waits.
fn flush() {
    let _ = io::stdout().flush();
}

/// One `recvfrom` on the raw socket, waiting with `SIGALRM` unblocked:
/// `None` when the alarm went off.
fn recv_icmp(tr: &mut Trace) -> Option<(usize, SockAddr)> {
    loop {
        if tr.alarm.went_off() {
            return None; // alarm expired
        }
        if !tr.alarm.readable(&tr.recvfd) {
            continue; // EINTR
        }
        match recvfrom(&tr.recvfd, &mut tr.recvbuf) {
            Ok(got) => return Some(got),
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            Err(err) => err_sys(&err, "recvfrom error"),
        }
    }
}

/// Whether the quoted UDP header `udp` (at least 4 bytes) is our probe
/// number `seq`.
fn our_probe(tr: &Trace, udp: &[u8], seq: u16) -> bool {
    u16::from_be_bytes([udp[0], udp[1]]) == tr.sport
        && u16::from_be_bytes([udp[2], udp[3]]) == DPORT.wrapping_add(seq)
}

/// `recv_v4` (Figure 28.21): the answer to probe `seq`, who sent it, and
/// when it came.
fn recv_v4(tr: &mut Trace, seq: u16) -> (Reply, Option<SockAddr>, SystemTime) {
    tr.alarm.set(3);
    let (ret, sarecv) = loop {
        let Some((n, sarecv)) = recv_icmp(tr) else {
            return (Reply::Timeout, None, SystemTime::now());
        };
        let buf = &tr.recvbuf[..n];
        let hlen1 = usize::from(buf[0] & 0x0f) << 2; // length of IP header
        let Some(icmp) = buf.get(hlen1..).filter(|icmp| icmp.len() >= 8) else {
            continue; // not enough to look at ICMP header
        };
        let (icmp_type, icmp_code) = (icmp[0], icmp[1]);
        let timxceed = icmp_type == ICMP_TIMXCEED && icmp_code == ICMP_TIMXCEED_INTRANS;
        if timxceed || icmp_type == ICMP_UNREACH {
            let Some(hip) = icmp.get(8..).filter(|hip| hip.len() >= 20) else {
                continue; // not enough data to look at inner IP
            };
            let hlen2 = usize::from(hip[0] & 0x0f) << 2;
            let Some(udp) = hip.get(hlen2..hlen2 + 4) else {
                continue; // not enough data to look at UDP ports
            };
            if hip[9] == libc::IPPROTO_UDP as u8 && our_probe(tr, udp, seq) {
                break match (timxceed, icmp_code) {
                    (true, _) => (Reply::TimeExceeded, sarecv), // an intermediate router
                    (false, ICMP_UNREACH_PORT) => (Reply::PortUnreachable, sarecv),
                    (false, code) => (Reply::Unreachable(code), sarecv),
                };
            }
        }
        if tr.verbose {
            outln!(
                " (from {}: type = {icmp_type}, code = {icmp_code})",
                sock_ntop_host(&sarecv)
            );
        }
        // Some other ICMP error: recvfrom again.
    };
    tr.alarm.cancel(); // don't leave alarm running
    (ret, Some(sarecv), SystemTime::now())
}

/// `recv_v6` (Figure 28.23): the same without an outer IP header.
fn recv_v6(tr: &mut Trace, seq: u16) -> (Reply, Option<SockAddr>, SystemTime) {
    tr.alarm.set(3);
    let (ret, sarecv) = loop {
        let Some((n, sarecv)) = recv_icmp(tr) else {
            return (Reply::Timeout, None, SystemTime::now());
        };
        let icmp6 = &tr.recvbuf[..n];
        if icmp6.len() < 8 {
            continue; // not enough to look at ICMP header
        }
        let (icmp6_type, icmp6_code) = (icmp6[0], icmp6[1]);
        let timxceed = icmp6_type == ICMP6_TIME_EXCEEDED && icmp6_code == ICMP6_TIME_EXCEED_TRANSIT;
        if timxceed || icmp6_type == ICMP6_DST_UNREACH {
            if icmp6.len() < 8 + IP6_HDR_LEN + 4 {
                continue; // not enough data to look at inner header
            }
            let next_header = icmp6[8 + 6];
            let udp = &icmp6[8 + IP6_HDR_LEN..8 + IP6_HDR_LEN + 4];
            if next_header == libc::IPPROTO_UDP as u8 && our_probe(tr, udp, seq) {
                break match (timxceed, icmp6_code) {
                    (true, _) => (Reply::TimeExceeded, sarecv), // an intermediate router
                    (false, ICMP6_DST_UNREACH_NOPORT) => (Reply::PortUnreachable, sarecv),
                    (false, code) => (Reply::Unreachable(code), sarecv),
                };
            }
        } else if tr.verbose {
            outln!(
                " (from {}: type = {icmp6_type}, code = {icmp6_code})",
                sock_ntop_host(&sarecv)
            );
        }
        // Some other ICMP error: recvfrom again.
    };
    tr.alarm.cancel(); // don't leave alarm running
    (ret, Some(sarecv), SystemTime::now())
}

/// `icmpcode_v4` and `icmpcode_v6` (Figure 28.24): an unreachable code as
/// text.
fn icmpcode(v6: bool, code: u8) -> String {
    let text = match (v6, code) {
        (false, 0) => "network unreachable",
        (false, 1) => "host unreachable",
        (false, 2) => "protocol unreachable",
        (false, 3) => "port unreachable",
        (false, 4) => "fragmentation required but DF bit set",
        (false, 5) => "source route failed",
        (false, 6) => "destination network unknown",
        (false, 7) => "destination host unknown",
        (false, 8) => "source host isolated (obsolete)",
        (false, 9) => "destination network administratively prohibited",
        (false, 10) => "destination host administratively prohibited",
        (false, 11) => "network unreachable for TOS",
        (false, 12) => "host unreachable for TOS",
        (false, 13) => "communication administratively prohibited by filtering",
        (false, 14) => "host recedence violation",
        (false, 15) => "precedence cutoff in effect",
        (true, 0) => "no route to host",
        (true, 1) => "administratively prohibited",
        (true, 2) => "not a neighbor",
        (true, 3) => "address unreachable",
        (true, 4) => "port unreachable",
        (_, code) => return format!("[unknown code {code}]"),
    };
    text.to_string()
}
