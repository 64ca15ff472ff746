//! Chapter 21 on the namespace network: groups joined and left, the TTL,
//! loopback and interface options (the library's `unp::mcast`, IPv4 and
//! IPv6), and the programs. "Did not arrive" is always shown by a later
//! datagram arriving first, never by waiting.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use socket2::{Domain, SockAddr, Socket, Type};
use unp::mcast::{
    mcast_get_if, mcast_get_loop, mcast_get_ttl, mcast_join, mcast_leave, mcast_set_if,
    mcast_set_loop, mcast_set_ttl,
};
use unp_tests::netlab::{Host, Netlab};
use unp_tests::{asleep_in, assert_usage, skip_unless_root, wait_until, TIMEOUT};

const PORT: u16 = 9000;

/// The groups of the tests: IPv4 administratively scoped, IPv6 link-local.
fn groups() -> [SocketAddr; 2] {
    [
        (Ipv4Addr::new(239, 1, 2, 3), PORT).into(),
        (Ipv6Addr::new(0xff12, 0, 0, 0, 0, 0, 0x1234, 0x5678), PORT).into(),
    ]
}

fn address(host: &Host, group: &SocketAddr) -> IpAddr {
    if group.is_ipv4() {
        host.ipv4().into()
    } else {
        host.ipv6().into()
    }
}

/// A UDP socket of `group`'s family in `host`, bound to the wildcard
/// address and `port` (0: any).
fn socket_in(host: &Host, group: &SocketAddr, port: u16) -> Socket {
    host.within(|| {
        let any: SocketAddr = match group {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, port).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, port).into(),
        };
        let sock = Socket::new(Domain::for_address(any), Type::DGRAM, None).unwrap();
        if any.is_ipv6() {
            sock.set_only_v6(true).unwrap();
        }
        sock.bind(&any.into()).unwrap();
        sock.set_read_timeout(Some(TIMEOUT)).unwrap();
        sock
    })
}

/// A member of `group` in `host`: bound to its port, joined.
fn member(host: &Host, group: &SocketAddr) -> UdpSocket {
    let sock = socket_in(host, group, group.port());
    mcast_join(&sock, &SockAddr::from(*group), None, 0).expect("mcast_join");
    sock.into()
}

/// The next datagram the socket gets, as text.
fn next(sock: &UdpSocket) -> String {
    let mut buf = [0; 256];
    let (n, _) = sock.recv_from(&mut buf).expect("a datagram");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn send(sock: &Socket, text: &str, to: SocketAddr) {
    sock.send_to(text.as_bytes(), &to.into()).expect("sendto");
}

/// B and C join; both get what A sends to the group. C leaves: the next
/// datagram to the group reaches B only (C's next datagram is one sent to
/// it afterwards by unicast).
#[test]
fn members_get_the_group_until_they_leave() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b, c) = (lab.host("A"), lab.host("B"), lab.host("C"));
    for group in groups() {
        let (in_b, in_c) = (member(b, &group), member(c, &group));
        let sender = socket_in(a, &group, 0);
        send(&sender, "one", group);
        assert_eq!(
            (next(&in_b), next(&in_c)),
            ("one".into(), "one".into()),
            "{group}"
        );
        mcast_leave(&in_c.try_clone().unwrap().into(), &group.into()).expect("mcast_leave");
        send(&sender, "two", group);
        send(&sender, "to C alone", (address(c, &group), PORT).into());
        assert_eq!(next(&in_b), "two", "{group}");
        assert_eq!(next(&in_c), "to C alone", "{group}: C left the group");
    }
}

/// TTL 0 keeps a datagram on its host (the loopback copy only); loopback
/// off keeps the sender's host from getting its own datagram.
#[test]
fn ttl_and_loopback() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b) = (lab.host("A"), lab.host("B"));
    for group in groups() {
        let (in_a, in_b) = (member(a, &group), member(b, &group));
        let sender = socket_in(a, &group, 0);
        assert_eq!(mcast_get_ttl(&sender).unwrap(), 1, "the default");
        assert!(mcast_get_loop(&sender).unwrap(), "the default");
        send(&sender, "ttl 1", group);
        assert_eq!((next(&in_a), next(&in_b)), ("ttl 1".into(), "ttl 1".into()));

        mcast_set_ttl(&sender, 0).unwrap();
        assert_eq!(mcast_get_ttl(&sender).unwrap(), 0);
        send(&sender, "ttl 0", group);
        mcast_set_ttl(&sender, 1).unwrap();
        send(&sender, "ttl 1 again", group);
        assert_eq!(next(&in_a), "ttl 0", "{group}: the host's own copy");
        assert_eq!(next(&in_b), "ttl 1 again", "{group}: TTL 0 left the host");
        assert_eq!(next(&in_a), "ttl 1 again");

        mcast_set_loop(&sender, false).unwrap();
        assert!(!mcast_get_loop(&sender).unwrap());
        send(&sender, "no loop", group);
        mcast_set_loop(&sender, true).unwrap();
        send(&sender, "loop", group);
        assert_eq!(next(&in_b), "no loop");
        assert_eq!(next(&in_b), "loop");
        assert_eq!(next(&in_a), "loop", "{group}: loopback off kept it off A");
    }
}

/// R has two interfaces: `mcast_set_if` sends out of eth1 (to D) or eth0
/// (to B), by name or index; an unknown name is ENXIO. Interface names and
/// indexes are a namespace's own: the calls are made in R, as a program
/// running there makes them.
#[test]
fn set_if_chooses_the_interface() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (r, b, d) = (lab.host("R"), lab.host("B"), lab.host("D"));
    let index = |name: &str| r.within(|| nix::net::if_::if_nametoindex(name).unwrap());
    let (eth0, eth1) = (index("eth0"), index("eth1"));
    for group in groups() {
        let (in_b, in_d) = (member(b, &group), member(d, &group));
        let sender = socket_in(r, &group, 0);
        let set_if = |ifname, ifindex| r.within(|| mcast_set_if(&sender, ifname, ifindex));
        let get_if = || r.within(|| mcast_get_if(&sender).unwrap());
        assert_eq!(get_if(), 0, "the kernel chooses");
        set_if(Some("eth1"), 0).unwrap();
        assert_eq!(get_if(), eth1);
        send(&sender, "out of eth1", group);
        set_if(None, eth0).unwrap();
        assert_eq!(get_if(), eth0);
        send(&sender, "out of eth0", group);
        set_if(Some("eth1"), 0).unwrap();
        send(&sender, "eth1 again", group);
        assert_eq!(next(&in_d), "out of eth1", "{group}");
        assert_eq!(next(&in_d), "eth1 again", "{group}: eth0's never reached D");
        assert_eq!(
            next(&in_b),
            "out of eth0",
            "{group}: eth1's never reached B"
        );
        let err = set_if(Some("eth9"), 0).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENXIO));
    }
}

/// A daytime "server" on port 13 of a host: the test's socket, member of
/// 224.0.0.1 as every Linux host.
fn daytime_responder(host: &Host) -> UdpSocket {
    let sock = host.within(|| UdpSocket::bind("0.0.0.0:13").expect("bind port 13"));
    sock.set_read_timeout(Some(TIMEOUT)).unwrap();
    sock
}

/// Answer one request `<host> got <request>`; the request.
fn answer(sock: &UdpSocket, name: &str) -> String {
    let mut buf = [0; 256];
    let (n, from) = sock.recv_from(&mut buf).expect("a request");
    let request = String::from_utf8_lossy(&buf[..n]).into_owned();
    sock.send_to(format!("{name} got {request}").as_bytes(), from)
        .unwrap();
    request
}

/// One datagram to 224.0.0.1 from A: mcast-udpserv01 on B and C both echo
/// it (mcast-udpcli01); the daytime responders on B and C both answer
/// mcast-udpcli05; mcast-udpcli06, bound to the group address, is answered
/// too but prints nothing.
#[test]
fn every_member_answers_one_datagram() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b, c) = (lab.host("A"), lab.host("B"), lab.host("C"));
    let _servers = [b, c].map(|host| host.udp_server("mcast-udpserv01", &[], 9877));
    let responders = [b, c].map(daytime_responder);
    let clients = [
        ("mcast-udpcli01", "one\n"),
        ("mcast-udpcli05", "five\n"),
        ("mcast-udpcli06", "six\n"),
    ]
    .map(|(name, line)| {
        let mut client = a.spawn_typed(name, &["224.0.0.1"]);
        client.type_line(line);
        client.close_stdin();
        client
    });
    for (responder, name) in responders.iter().zip(["B", "C"]) {
        let mut requests = [answer(responder, name), answer(responder, name)];
        requests.sort();
        assert_eq!(requests, ["five\n", "six\n"]);
    }
    let expected = [
        vec!["from 10.0.1.2: one", "from 10.0.1.3: one"],
        vec!["from 10.0.1.2: B got five", "from 10.0.1.3: C got five"],
        vec![],
    ];
    for (mut client, expected) in clients.into_iter().zip(expected) {
        assert!(client.wait_exit().success(), "{}", client.stderr());
        let mut lines: Vec<String> = client.stdout().lines().map(str::to_owned).collect();
        lines.sort();
        assert_eq!(lines, expected);
        assert_eq!(client.stderr(), "");
    }
}

/// sendrecv on B and C: each prints the other's `<hostname>, <pid>` lines
/// and never its own (loopback off). B has sent its first datagram before C
/// starts, so C's line reaching B proves that B's own would have come
/// first.
#[test]
fn sendrecv_hears_the_others_never_itself() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (b, c) = (lab.host("B"), lab.host("C"));
    for (group, text) in [
        ("239.255.1.2", "from 10.0.1."),
        ("ff15::1:2", "from [fd00:1::"),
    ] {
        let on_b = b.spawn("sendrecv", &[group, "8888"]);
        wait_until("B to send its first datagram", || {
            asleep_in(
                on_b.pid(),
                &[libc::SYS_clock_nanosleep, libc::SYS_nanosleep],
            )
        });
        let on_c = c.spawn("sendrecv", &[group, "8888"]);
        let from_c = format!(", {}\n", on_c.pid());
        let from_b = format!(", {}\n", on_b.pid());
        let heard = on_b.wait_stdout(&from_c);
        assert!(
            heard.starts_with(&format!("{text}3]")) || heard.starts_with(&format!("{text}3:")),
            "{heard}"
        );
        assert!(!heard.contains(&from_b), "B heard itself: {heard}");
        // C's first datagram went out after B's second could: C hears B.
        let heard = on_c.wait_stdout(&from_b);
        assert!(!heard.contains(&from_c), "C heard itself: {heard}");
    }
}

#[test]
fn usage() {
    assert_usage([
        (
            "sendrecv",
            &[][..],
            "usage: sendrecv <IP-multicast-address> <port#>",
        ),
        (
            "sendrecv",
            &["239.1.1.1"][..],
            "usage: sendrecv <IP-multicast-address> <port#>",
        ),
        (
            "mcast-udpserv01",
            &["1", "2"][..],
            "usage: udpserv01 [port]",
        ),
        (
            "mcast-udpcli01",
            &[][..],
            "usage: udpcli01 <IPaddress> [port]",
        ),
        ("mcast-udpcli01", &["foo"][..], "inet_pton error for foo"),
        (
            "mcast-udpcli05",
            &[][..],
            "usage: udpcli05 <IPaddress> [port]",
        ),
        (
            "mcast-udpcli06",
            &[][..],
            "usage: udpcli06 <IPaddress> [port]",
        ),
    ]);
}
