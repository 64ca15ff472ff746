//! Ports and sockets: a free port, whether a port is bound, a test-side
//! client, a reset, UDP echoes, and the queues of a socket.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use socket2::{Domain, SockRef, Socket, Type};

use crate::TIMEOUT;

/// A port that nothing uses for TCP (IPv4 or IPv6) or UDP right now, drawn
/// at random from below the ephemeral range, so that no client connection
/// of a test (or of the lab's load generator) running beside this one can
/// take it before the server binds it. The checks bind without
/// `SO_REUSEADDR`, as the book's servers do, so a port still held by a
/// connection in TIME_WAIT is not returned. A port is returned once per
/// process: tests running in parallel threads never get the same one.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768u16);
    let (low, high) = (10_000u16.min(ephemeral_low / 2), ephemeral_low);
    loop {
        let random = RandomState::new().build_hasher().finish();
        let port = low + (random % u64::from(high - low)) as u16;
        let bindable = |domain, ty| {
            let Ok(sock) = Socket::new(domain, ty, None) else {
                return false;
            };
            let any: SocketAddr = match domain {
                Domain::IPV6 => (Ipv6Addr::UNSPECIFIED, port).into(),
                _ => (Ipv4Addr::UNSPECIFIED, port).into(),
            };
            (domain != Domain::IPV6 || sock.set_only_v6(true).is_ok())
                && sock.bind(&any.into()).is_ok()
        };
        if bindable(Domain::IPV4, Type::STREAM)
            && bindable(Domain::IPV6, Type::STREAM)
            && bindable(Domain::IPV4, Type::DGRAM)
            && bindable(Domain::IPV6, Type::DGRAM)
            && GIVEN.lock().unwrap().insert(port)
        {
            return port;
        }
    }
}

/// Whether some socket of `proto` (`tcp` or `udp`) is bound to `port` in
/// state `state`: `0A` (LISTEN) for TCP, `07` (a bound, unconnected socket)
/// for UDP, the state codes of `/proc/net/tcp`. Asks `ss(8)`, whose netlink
/// query the kernel filters: reading `/proc/net/tcp` itself takes seconds
/// once a test run has left tens of thousands of sockets in TIME_WAIT.
pub fn port_in_state(proto: &str, port: u16, state: &str) -> bool {
    !bound_sockets(proto, port, state, "").is_empty()
}

/// Whether a process of process group `pgid` (a [`Proc`](crate::Proc) and
/// the children it forked) holds a socket of `proto` bound to `port` in
/// `state` (as [`port_in_state`]): the port is then the server's, not that
/// of another program that took it first (tests of other runs pick free
/// ports from the same range).
pub fn port_bound_by(proto: &str, port: u16, state: &str, pgid: i32) -> bool {
    bound_sockets(proto, port, state, "p")
        .split("pid=")
        .skip(1)
        .filter_map(|rest| rest.split(',').next()?.parse().ok())
        .any(|pid: i32| crate::proc_stat(pid).is_some_and(|stat| stat[2] == pgid.to_string()))
}

/// Every socket on `port`, TCP and UDP, any state, with the processes
/// holding them (`ss -Htuanp`): what a test prints when a server could not
/// bind its free port, to show who had it.
pub fn port_holders(port: u16) -> String {
    let out = Command::new("ss")
        .args([
            "-Htuanp",
            &format!("( sport = :{port} or dport = :{port} )"),
        ])
        .output();
    match out {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim_end().to_string(),
        Err(err) => format!("ss: {err}"),
    }
}

/// `ss`'s lines for the sockets of `proto` bound to `port` in `state`,
/// with the extra flags `more` (`p`: the processes holding each).
fn bound_sockets(proto: &str, port: u16, state: &str, more: &str) -> String {
    let flags = match (proto, state) {
        ("tcp", "0A") => "-Hltn",
        ("udp", "07") => "-Hlun",
        _ => panic!("port_in_state: no query for {proto} state {state}"),
    };
    let out = Command::new("ss")
        .args([&format!("{flags}{more}"), &format!("sport = :{port}")])
        .output()
        .expect("ss(8), from iproute2, is needed by the tests");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether process `pid` holds a listening TCP socket, on any port (`ss
/// -Hltnp`, as [`port_bound_by`]: not `/proc/<pid>/net/tcp`, slow once a run
/// has left many sockets in TIME_WAIT).
pub fn listens(pid: i32) -> bool {
    let out = Command::new("ss")
        .arg("-Hltnp")
        .output()
        .expect("ss(8), from iproute2, is needed by the tests");
    String::from_utf8_lossy(&out.stdout).contains(&format!("pid={pid},"))
}

/// A test-side client of the server on 127.0.0.1 `port` (a number, or the
/// text passed to a program as its port argument), its reads bounded by
/// [`TIMEOUT`].
pub fn connect(port: impl std::fmt::Display) -> TcpStream {
    let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("set_read_timeout");
    stream
}

/// Send `request` on `sock` and read exactly `reply.len()` bytes, which must
/// be `reply`: one round trip with an echo server (`reply` = `request`) or
/// any request-reply server.
pub fn exchange(sock: &mut TcpStream, request: &[u8], reply: &[u8]) {
    sock.write_all(request).expect("write");
    let mut got = vec![0; reply.len()];
    sock.read_exact(&mut got).expect("read the reply");
    assert!(got == reply, "reply {got:?}, expected {reply:?}");
}

/// Close `sock` with `SO_LINGER` 0 (socket2's `set_linger`): the peer gets
/// an RST instead of a FIN, and no TIME_WAIT is left behind.
pub fn reset(sock: impl AsFd) {
    let _ = SockRef::from(&sock).set_linger(Some(Duration::ZERO));
}

/// `len` deterministic bytes covering every value, NULs and newlines
/// included.
pub fn binary_data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A UDP socket on 127.0.0.1 for talking to a server, its reads bounded by
/// [`TIMEOUT`].
pub fn udp_socket() -> UdpSocket {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(TIMEOUT))
        .expect("set_read_timeout");
    sock
}

/// Datagrams from empty to the largest UDP payload go to the server on
/// `port`, and each comes back from that port cut to `maxline` bytes
/// (`MAXLINE`, 4096, for the book's `dg_echo`), otherwise unchanged.
pub fn assert_udp_echoes(port: u16, maxline: usize) {
    let sock = udp_socket();
    let mut reply = vec![0u8; 65536];
    for len in [0, 1, 20, 21, 1472, 4096, 4097, 65507] {
        let sent = binary_data(len);
        sock.send_to(&sent, ("127.0.0.1", port)).expect("send_to");
        let (n, from) = sock.recv_from(&mut reply).expect("reply");
        assert_eq!(from.port(), port);
        assert!(
            reply[..n] == sent[..len.min(maxline)],
            "datagram of {len} bytes"
        );
    }
}

/// The bytes in `sock`'s receive queue not yet read and in its send queue
/// not yet acknowledged: the `SIOCINQ` and `SIOCOUTQ` ioctls of
/// [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html) (neither
/// std, socket2 nor nix has them).
pub fn socket_queues(sock: &impl AsRawFd) -> (usize, usize) {
    let (mut unread, mut unacked): (libc::c_int, libc::c_int) = (0, 0);
    // SAFETY: both ioctls write one int through the pointer given.
    unsafe {
        libc::ioctl(sock.as_raw_fd(), libc::FIONREAD, &mut unread);
        libc::ioctl(sock.as_raw_fd(), libc::TIOCOUTQ, &mut unacked);
    }
    (unread as usize, unacked as usize)
}

/// The TCP state of `sock` (`tcpi_state` of `TCP_INFO`, the kernel's
/// `TCP_ESTABLISHED` = 1 ... `TCP_CLOSING` = 11; see [`FIN_WAIT2`]), which
/// neither std, socket2 nor nix reads.
pub fn tcp_state(sock: &impl AsRawFd) -> u8 {
    // SAFETY: tcp_info is integers only; all zeros is a valid value.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: getsockopt(2) writes at most `len` bytes into `info`.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    assert_eq!(
        rc,
        0,
        "getsockopt TCP_INFO: {}",
        std::io::Error::last_os_error()
    );
    info.tcpi_state
}

/// [`tcp_state`] of a socket that has sent its FIN and had it
/// acknowledged: the peer is in CLOSE_WAIT.
pub const FIN_WAIT2: u8 = 5;

/// What the kernel holds for one TCP socket, as `ss -tmn` shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpMemory {
    /// Bytes received and not read by the application (`Recv-Q`).
    pub unread: usize,
    /// Bytes written and not yet acknowledged by the peer (`Send-Q`).
    pub unacked: usize,
    /// Memory of the write queue (`skmem` `w`, `sk_wmem_queued`).
    pub queued: usize,
    /// The send buffer (`skmem` `tb`, `sk_sndbuf`).
    pub sndbuf: usize,
}

impl TcpMemory {
    /// Whether the send buffer is full: `poll(2)` reports no `POLLOUT`, and
    /// a writer asleep in `write(2)` stays asleep (the kernel's
    /// `sk_stream_is_writeable`: the free space is less than half of what
    /// is queued; the send buffer may grow after the writer fell asleep,
    /// which does not wake it). While the peer reads nothing this lasts:
    /// only its acknowledgements, which need room in its receive buffer,
    /// would free memory.
    pub fn send_buffer_full(&self) -> bool {
        self.sndbuf.saturating_sub(self.queued) < self.queued / 2
    }
}

/// What the kernel holds for the TCP socket of this host whose own address
/// is `local` and whose peer is `peer` (so both ends of a loopback
/// connection can be asked for, the server's as well as the test's), per
/// `ss(8)`; `None` if there is no such connection.
pub fn tcp_memory(local: SocketAddr, peer: SocketAddr) -> Option<TcpMemory> {
    let out = Command::new("ss")
        .args(["-Htmn", "src", &local.to_string(), "dst", &peer.to_string()])
        .output()
        .expect("ss(8), from iproute2, is needed by the tests");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let _state = fields.next()?;
    let unread = fields.next()?.parse().ok()?;
    let unacked = fields.next()?.parse().ok()?;
    let skmem = text.split_once("skmem:(")?.1.split(')').next()?;
    let mem = |key: &str| -> Option<usize> {
        skmem
            .split(',')
            .find_map(|item| item.strip_prefix(key)?.parse().ok())
    };
    Some(TcpMemory {
        unread,
        unacked,
        queued: mem("w")?,
        sndbuf: mem("tb")?,
    })
}
