//! udpcksum on the test network: A asks D, two hops away, and looks at the
//! UDP checksum of the reply it captures.

use std::io::Read;
use std::net::UdpSocket;
use std::os::fd::AsFd;
use std::thread::{self, JoinHandle};

use socket2::{Domain, Protocol, Socket, Type};
use unp_tests::netlab::{Host, Netlab};
use unp_tests::{assert_usage, skip_unless_root, TIMEOUT};

/// A responder on D's port 53 that sends each datagram back, with
/// checksums or (`SO_NO_CHECK`) without; it answers `count` queries and
/// returns them.
fn responder(d: &Host, checksums: bool, count: usize) -> JoinHandle<Vec<Vec<u8>>> {
    let sock = d.within(|| UdpSocket::bind("0.0.0.0:53").expect("bind 53 in D"));
    if !checksums {
        unp::raw::setsockopt(
            sock.as_fd(),
            libc::SOL_SOCKET,
            libc::SO_NO_CHECK,
            &1i32.to_ne_bytes(),
        )
        .expect("SO_NO_CHECK");
    }
    thread::spawn(move || {
        let mut queries = Vec::new();
        let mut buf = [0u8; 1500];
        while queries.len() < count {
            let (n, from) = sock.recv_from(&mut buf).expect("a query");
            sock.send_to(&buf[..n], from).expect("the reply");
            queries.push(buf[..n].to_vec());
        }
        queries
    })
}

fn udpcksum(a: &Host, args: &[&str]) -> (String, String) {
    let mut cli = a.spawn("udpcksum", args);
    let status = cli.wait_exit_within(TIMEOUT).expect("udpcksum ends");
    assert!(status.success(), "{status:?}: {}", cli.stderr());
    (cli.stdout(), cli.stderr())
}

/// The DNS query of Figure 29.7, as the server received it.
const QUERY: &[u8] = b"\x04\xd2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\
\x01a\x0croot-servers\x03net\x00\x00\x01\x00\x01";

#[test]
fn udpcksum_sees_the_servers_checksums_on_and_off() {
    if skip_unless_root("network namespaces, raw and packet sockets") {
        return;
    }
    let lab = Netlab::start();
    let (a, d) = (lab.host("A"), lab.host("D"));
    let dest = d.ipv4().to_string();

    let server = responder(d, true, 1);
    let out = udpcksum(a, &[&dest, "53"]);
    assert_eq!(
        out,
        ("device = eth0\nUDP checksums on\n\n".into(), String::new())
    );
    assert_eq!(server.join().unwrap(), [QUERY]);

    let server = responder(d, false, 1);
    let out = udpcksum(a, &["-v", &dest, "53"]);
    let a4 = a.ipv4();
    let stdout = out.0;
    let expected_start = format!(
        "device = eth0\ncmd = udp and src host {dest} and src port 53\nsent: 36 bytes of data\n\
         UDP checksums off\nreceived UDP checksum = 0\n\n"
    );
    assert!(stdout.starts_with(&expected_start), "{stdout}\n(from {a4})");
    assert!(stdout.ends_with(" packets dropped by kernel\n"), "{stdout}");
    server.join().unwrap();
}

/// The UDP checksum field of the first query D received (a raw UDP
/// socket in D gets a copy of each UDP datagram, IP header first).
fn query_checksum(raw: &Socket) -> u16 {
    let mut buf = [0u8; 1500];
    loop {
        let n = (&*raw).read(&mut buf).expect("a datagram");
        let hlen = usize::from(buf[0] & 0x0f) * 4;
        if n >= hlen + 8 && buf[hlen + 2..hlen + 4] == 53u16.to_be_bytes() {
            return u16::from_be_bytes([buf[hlen + 6], buf[hlen + 7]]);
        }
    }
}

/// `-0` sends the query with no checksum (0), where it is otherwise
/// computed: Linux's UDP accepts it, and the server answers as before.
#[test]
fn udpcksum_0_sends_without_checksum_and_is_answered() {
    if skip_unless_root("network namespaces, raw and packet sockets") {
        return;
    }
    let lab = Netlab::start();
    let (a, d) = (lab.host("A"), lab.host("D"));
    let dest = d.ipv4().to_string();
    for (zero, args) in [
        (false, &["-i", "eth0"][..]),
        (true, &["-0", "-i", "eth0"][..]),
    ] {
        let raw = d.within(|| Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)).unwrap());
        raw.set_read_timeout(Some(TIMEOUT)).unwrap();
        let server = responder(d, true, 1);
        let out = udpcksum(a, &[args, &[&dest, "domain"]].concat());
        assert_eq!(out.0, "device = eth0\nUDP checksums on\n\n");
        assert_eq!(server.join().unwrap(), [QUERY]);
        assert_eq!(query_checksum(&raw) == 0, zero, "-0: {zero}");
    }
}

#[test]
fn udpcksum_bad_arguments() {
    let usage = "usage: udpcksum [ -0 ] [ -i dev ] [ -l a.b.c.d.p ] [ -v ] <host> <serv>";
    assert_usage([
        ("udpcksum", &[][..], usage),
        ("udpcksum", &["127.0.0.1"][..], usage),
        ("udpcksum", &["-i"][..], usage),
        (
            "udpcksum",
            &["-l", "nodot", "a", "b"][..],
            "invalid -l option",
        ),
        ("udpcksum", &["-x", "a", "b"][..], "unrecognized option: x"),
    ]);
}
