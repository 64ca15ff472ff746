//! Figures 29.3–29.14, `udpcksum/` (`main.c`, `udpcksum.c`,
//! `senddnsquery-raw.c`, `udpwrite.c`, `pcap.c`, `udpread.c`, `cleanup.c`):
//! does a UDP server checksum its replies?
//!
//! The program builds a whole IP datagram by hand (IP header, UDP header
//! with the checksum over the pseudo-header, a DNS query for
//! `a.root-servers.net`), writes it on a raw socket, and captures the reply
//! at the datalink. A UDP checksum of 0 in the reply means the server
//! sends without checksums: `UDP checksums off`; anything else `UDP
//! checksums on`. No reply in 3 seconds: `timeout` and send again, after 6,
//! then 12; after the third, `no response`.
//!
//! Run (root): `udpcksum [ -0 ] [ -i dev ] [ -l a.b.c.d.p ] [ -v ] <host>
//! <serv>`, e.g. `udpcksum 10.0.2.4 domain` against a name server.
//!
//! Differs from the C, which cannot build or run on Linux (it needs
//! libpcap and BSD's `struct udpiphdr`, and `socket(AF_INET, SOCK_RAW, 0)`
//! is `EPROTONOSUPPORT` here):
//! - **Capture** is an `AF_PACKET` socket (`SOCK_DGRAM`, `ETH_P_IP`) bound
//!   to the device, where the C opens libpcap: Linux hands over the IP
//!   packet with the link header removed, so there is no per-datalink
//!   offset (`DLT_EN10MB` and the rest) and no `datalink = N` line. The
//!   filter `udp and src host H and src port P` is applied by the program
//!   to each packet (`-v` still prints it as `cmd = ...`), not compiled to
//!   BPF. `-v`'s `localnet = ..., netmask = ...` line is left out.
//! - **Output** is a `SOCK_RAW`/`IPPROTO_RAW` socket, which implies
//!   `IP_HDRINCL`; `ip_len` is in network byte order, as the C's Linux
//!   branch has it.
//! - **Timeouts**: the C jumps out of its `SIGALRM` handler with
//!   `siglongjmp` (no Rust equivalent is sound); here `poll(2)` waits 3, 6,
//!   then 12 seconds.
//! - `SIGINT`, `SIGTERM` and `SIGHUP` end the program with the newline the
//!   C's `cleanup` prints (the handler writes it with `write(2)`); the `-v`
//!   packet counts (from `PACKET_STATISTICS`) are printed at the normal end
//!   only.
//! - The default device is the first interface that is up and not
//!   loopback (libpcap's `pcap_lookupdev`).
//! - Bad arguments print one line, as every program here does: the usage
//!   line lists the options (`-0` zero checksum, `-i` capture device, `-l`
//!   local address and port, `-v` verbose) where the C prints a five-line
//!   block and then `missing <host> and/or <serv>`; an unknown option
//!   prints `unrecognized option: X`.

use std::io::Read;
use std::net::SocketAddrV4;
use std::os::fd::{AsFd, AsRawFd};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::{getuid, setuid};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::cksum::{in_cksum, udp_cksum_v4};
use unp::signal::write_in_handler;
use unp::{err_quit, err_sys, host_serv, outln, wrap, OrDie};

/// `struct udpiphdr`: the 20-byte IP header and the 8-byte UDP header.
const UDPIPHDR_LEN: usize = 28;
/// The TTL of the datagrams sent (`TTL_OUT`).
const TTL_OUT: u8 = 64;
/// `ETH_P_IP`: capture IPv4 packets only.
const ETH_P_IP: u16 = 0x0800;

/// The C's globals.
struct Udpcksum {
    dest: SocketAddrV4,
    local: SocketAddrV4,
    rawfd: Socket,
    pd: Socket,
    zerosum: bool,
    verbose: bool,
}

const USAGE: &str = "usage: udpcksum [ -0 ] [ -i dev ] [ -l a.b.c.d.p ] [ -v ] <host> <serv>";

/// `main` (Figures 29.3–29.4).
fn main() {
    let (mut zerosum, mut verbose) = (false, false);
    let (mut device, mut local) = (None, None);
    let mut operands = Vec::new();
    let mut args = arguments(USAGE, Role::Client).into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-0" => zerosum = true,
            "-i" => device = Some(args.next().unwrap_or_else(|| err_quit(USAGE))),
            "-l" => {
                // local IP address and port: a.b.c.d.p
                let opt = args.next().unwrap_or_else(|| err_quit("invalid -l option"));
                let Some((name, port)) = opt.rsplit_once('.') else {
                    err_quit("invalid -l option")
                };
                local = Some(lookup_v4(name, port));
            }
            "-v" => verbose = true,
            opt if opt.starts_with('-') && opt.len() > 1 => {
                err_quit(format!("unrecognized option: {}", &opt[1..]))
            }
            _ => operands.push(arg),
        }
    }
    let [host, serv] = operands.as_slice() else {
        err_quit(USAGE)
    };
    let dest = lookup_v4(host, serv);

    // The source address goes into the pseudo-header of the checksum, so
    // it must be known: -l, or what the kernel picks for a UDP socket
    // connected to the destination.
    let local = local.unwrap_or_else(|| {
        let s = wrap::socket(Domain::IPV4, Type::DGRAM);
        wrap::connect(&s, &dest.into());
        let local = wrap::getsockname(&s).as_socket_ipv4();
        match local {
            Some(local) if !local.ip().is_unspecified() => local,
            _ => err_quit("Can't determine local address - use -l\n"),
        }
    });

    let rawfd = open_output();
    let pd = open_pcap(device, &dest, verbose);
    let _ = setuid(getuid()); // no superuser privileges needed any more
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        unp::signal::signal(sig, SigHandler::Handler(cleanup_on_signal));
    }
    let u = Udpcksum {
        dest,
        local,
        rawfd,
        pd,
        zerosum,
        verbose,
    };
    test_udp(&u);
    cleanup(&u);
}

/// `Host_serv(name, serv, AF_INET, SOCK_DGRAM)`: the first IPv4 address.
fn lookup_v4(name: &str, serv: &str) -> SocketAddrV4 {
    host_serv(Some(name), Some(serv), libc::AF_INET, libc::SOCK_DGRAM)
        .unwrap_or_else(|e| err_quit(format!("host_serv error for {name}, {serv}: {e}")))
        .iter()
        .find_map(|ai| ai.addr.as_socket_ipv4())
        .unwrap_or_else(|| {
            err_quit(format!(
                "host_serv error for {name}, {serv}: no IPv4 address"
            ))
        })
}

/// `test_udp` (Figure 29.6): send, wait 3, 6, 12 seconds, look at the
/// reply's checksum.
fn test_udp(u: &Udpcksum) {
    let mut timeout: u16 = 3;
    let mut nsent = 0;
    let ui = loop {
        send_dns_query(u);
        nsent += 1;
        if let Some(ui) = udp_read(u, timeout) {
            break ui;
        }
        if nsent >= 3 {
            err_quit("no response");
        }
        outln!("timeout");
        timeout *= 2; // exponential backoff: 3, 6, 12
    };
    let ui_sum = u16::from_be_bytes([ui[26], ui[27]]);
    match ui_sum {
        0 => outln!("UDP checksums off"),
        _ => outln!("UDP checksums on"),
    }
    if u.verbose {
        outln!("received UDP checksum = {ui_sum:x}");
    }
}

/// `send_dns_query` (Figure 29.7): a DNS query for the A record of
/// `a.root-servers.net`, recursion desired, id 1234.
fn send_dns_query(u: &Udpcksum) {
    let mut buf = vec![0u8; UDPIPHDR_LEN]; // room for the IP and UDP headers
    buf.extend_from_slice(&1234u16.to_be_bytes()); // identification
    buf.extend_from_slice(&0x0100u16.to_be_bytes()); // flags: recursion desired
    buf.extend_from_slice(&1u16.to_be_bytes()); // # questions
    buf.extend_from_slice(&[0; 6]); // # answer, authority, additional RRs
    buf.extend_from_slice(b"\x01a\x0croot-servers\x03net\x00");
    buf.extend_from_slice(&1u16.to_be_bytes()); // query type = A
    buf.extend_from_slice(&1u16.to_be_bytes()); // query class = 1 (IP addr)
    let nbytes = buf.len() - UDPIPHDR_LEN;
    udp_write(u, &mut buf);
    if u.verbose {
        outln!("sent: {nbytes} bytes of data");
    }
}

/// `open_output` (Figure 29.8): a raw socket to write whole IP datagrams
/// on. `IPPROTO_RAW` implies `IP_HDRINCL` on Linux.
fn open_output() -> Socket {
    Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(libc::IPPROTO_RAW)),
    )
    .or_die("socket error")
}

/// `udp_write` (Figure 29.9): fill in the UDP header and its checksum,
/// then the IP header (the kernel fills in the id and the header
/// checksum), and send.
fn udp_write(u: &Udpcksum, buf: &mut [u8]) {
    let (src, dst) = (u.local.ip().octets(), u.dest.ip().octets());
    let ulen = (buf.len() - 20) as u16;
    let udp = &mut buf[20..];
    udp[..2].copy_from_slice(&u.local.port().to_be_bytes());
    udp[2..4].copy_from_slice(&u.dest.port().to_be_bytes());
    udp[4..6].copy_from_slice(&ulen.to_be_bytes());
    udp[6..8].fill(0);
    if !u.zerosum {
        let sum = udp_cksum_v4(src, dst, udp);
        udp[6..8].copy_from_slice(&sum.to_be_bytes());
    }
    let ip_len = buf.len() as u16;
    let ip = &mut buf[..20];
    ip[0] = 0x45; // version 4, header length 5 words
    ip[1] = 0; // tos
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes()); // network byte order on Linux
    ip[4..8].fill(0); // id (the kernel's), no fragment flags or offset
    ip[8] = TTL_OUT;
    ip[9] = libc::IPPROTO_UDP as u8;
    ip[10..12].fill(0); // checksum: the kernel's
    ip[12..16].copy_from_slice(&src);
    ip[16..20].copy_from_slice(&dst);
    u.rawfd
        .send_to(buf, &SockAddr::from(u.dest))
        .or_die("sendto error");
}

/// `open_pcap` (Figure 29.10): a packet socket on the device, for IPv4.
fn open_pcap(device: Option<String>, dest: &SocketAddrV4, verbose: bool) -> Socket {
    let device = device.unwrap_or_else(lookupdev);
    outln!("device = {device}");
    let ifindex = nix::net::if_::if_nametoindex(device.as_str())
        .unwrap_or_else(|e| err_sys(&e.into(), format!("if_nametoindex error for {device}")));
    let protocol = i32::from(ETH_P_IP.to_be());
    let pd = Socket::new(Domain::PACKET, Type::DGRAM, Some(Protocol::from(protocol)))
        .or_die("socket error");
    // SAFETY: try_init gives a zeroed sockaddr_storage, large enough for a
    // sockaddr_ll, which is filled in and its length set.
    let ((), sll) = unsafe {
        SockAddr::try_init(|storage, len| {
            let sll = &mut *storage.cast::<libc::sockaddr_ll>();
            sll.sll_family = libc::AF_PACKET as u16;
            sll.sll_protocol = ETH_P_IP.to_be();
            sll.sll_ifindex = ifindex as i32;
            *len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            Ok(())
        })
    }
    .or_die("bind error");
    pd.bind(&sll).or_die("bind error");
    if verbose {
        outln!(
            "cmd = udp and src host {} and src port {}",
            dest.ip(),
            dest.port()
        );
    }
    pd
}

/// `pcap_lookupdev`: the first interface that is up and not loopback.
fn lookupdev() -> String {
    use nix::net::if_::InterfaceFlags;
    let ifaddrs = nix::ifaddrs::getifaddrs().or_die("getifaddrs error");
    ifaddrs
        .filter(|ifa| {
            ifa.flags.contains(InterfaceFlags::IFF_UP)
                && !ifa.flags.contains(InterfaceFlags::IFF_LOOPBACK)
        })
        .map(|ifa| ifa.interface_name)
        .next()
        .unwrap_or_else(|| err_quit("pcap_lookup: no suitable device found"))
}

/// `next_pcap` and `udp_read` (Figures 29.11–29.12): the next packet that
/// passes the filter, checked by [`udp_check`]; `None` after `timeout`
/// seconds without one.
fn udp_read(u: &Udpcksum, timeout: u16) -> Option<Vec<u8>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(timeout.into());
    let mut buf = [0u8; 1500];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let left = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(u.pd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, left) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "poll error"),
        }
        let len = (&u.pd).read(&mut buf).or_die("recvfrom error");
        let packet = &buf[..len];
        if passes_filter(u, packet) {
            return Some(udp_check(packet).to_vec());
        }
    }
}

/// The capture filter, `udp and src host <dest> and src port <port>`.
fn passes_filter(u: &Udpcksum, ip: &[u8]) -> bool {
    let hlen = usize::from(ip.first().map_or(0, |b| b & 0x0f)) << 2;
    ip.len() >= hlen + 8
        && hlen >= 20
        && ip[9] == libc::IPPROTO_UDP as u8
        && ip[12..16] == u.dest.ip().octets()
        && ip[hlen..hlen + 2] == u.dest.port().to_be_bytes()
}

/// `udp_check` (Figure 29.13): a minimal check of the IP header (version,
/// length, checksum) and that the packet is UDP. Returns the packet, IP
/// header first (the C's `struct udpiphdr *`).
fn udp_check(ip: &[u8]) -> &[u8] {
    let len = ip.len();
    if len < UDPIPHDR_LEN {
        err_quit(format!("len = {len}"));
    }
    if ip[0] >> 4 != 4 {
        err_quit(format!("ip_v = {}", ip[0] >> 4));
    }
    let hlen = usize::from(ip[0] & 0x0f) << 2;
    if hlen < 20 {
        err_quit(format!("ip_hl = {}", hlen >> 2));
    }
    if len < hlen + 8 {
        err_quit(format!("len = {len}, hlen = {hlen}"));
    }
    if in_cksum(&ip[..hlen]) != 0 {
        err_quit("ip checksum error");
    }
    if ip[9] != libc::IPPROTO_UDP as u8 {
        err_quit("not a UDP packet");
    }
    ip
}

/// `cleanup` (Figure 29.14) at the end: a newline, and with `-v` the
/// capture's counts.
fn cleanup(u: &Udpcksum) {
    outln!();
    if u.verbose {
        let mut stats = libc::tpacket_stats {
            tp_packets: 0,
            tp_drops: 0,
        };
        let mut len = std::mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: `stats` is a tpacket_stats, writable for `len` bytes.
        let rc = unsafe {
            libc::getsockopt(
                u.pd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&mut stats as *mut libc::tpacket_stats).cast(),
                &mut len,
            )
        };
        if rc < 0 {
            err_sys(&std::io::Error::last_os_error(), "pcap_stats");
        }
        outln!("{} packets received by filter", stats.tp_packets);
        outln!("{} packets dropped by kernel", stats.tp_drops);
    }
}

/// `cleanup` as the C's signal handler: the newline, and the end.
extern "C" fn cleanup_on_signal(_signo: libc::c_int) {
    write_in_handler(libc::STDOUT_FILENO, &[b"\n"]);
    // SAFETY: _exit(2) is async-signal-safe.
    unsafe { libc::_exit(0) };
}
