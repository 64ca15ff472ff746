//! mysdr on the namespace network: announcements the test sends from A to
//! the SAP group 224.2.127.254:9875, received by two mysdr on B (sharing
//! the port: SO_REUSEADDR) and one on C.

use std::net::UdpSocket;

use unp_tests::netlab::Netlab;
use unp_tests::{assert_usage, skip_unless_root, wait_until, Proc};

const GROUP: &str = "224.2.127.254";

/// A SAP packet: the header word, the source address, then `payload`.
fn sap(header: u32, payload: &[u8]) -> Vec<u8> {
    let mut packet = header.to_be_bytes().to_vec();
    packet.extend_from_slice(&[10, 0, 1, 1]);
    packet.extend_from_slice(payload);
    packet
}

#[test]
fn prints_the_announcements_of_the_group() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b, c) = (lab.host("A"), lab.host("B"), lab.host("C"));
    let args = [GROUP, "9875", "eth0"];
    let mut receivers: Vec<Proc> = vec![
        b.udp_server("mysdr", &args, 9875),
        b.spawn("mysdr", &args),
        c.udp_server("mysdr", &args, 9875),
    ];
    let second = receivers[1].pid();
    // recvfrom comes after the bind and the join.
    wait_until("the second mysdr on B to bind and join", || {
        unp_tests::asleep_in(second, &[libc::SYS_recvfrom])
    });
    let sender = a.within(|| UdpSocket::bind("0.0.0.0:0").unwrap());
    let from = format!("From 10.0.1.1:{}", sender.local_addr().unwrap().port());
    let sdp = b"v=0\no=- 1 1 IN IP4 10.0.1.1\ns=Chapter 21\nc=IN IP4 224.2.1.1/1\n";
    let mut announcement = b"application/sdp\0".to_vec();
    announcement.extend_from_slice(sdp);
    let to = (GROUP, 9875);
    sender
        .send_to(&sap(0x2000_1234, &announcement), to)
        .unwrap();
    // Four bytes of authentication data, then SDP with no payload type.
    let mut authenticated = b"AUTH".to_vec();
    authenticated.extend_from_slice(b"s=signed\n");
    sender
        .send_to(&sap(0x2004_0042, &authenticated), to)
        .unwrap();
    sender.send_to(&sap(0x4000_9999, b"v=0\n"), to).unwrap();
    sender.send_to(&sap(0x3000_0001, b"v=0\n"), to).unwrap();
    sender.send_to(&sap(0x2400_0002, b"v=0\n"), to).unwrap();
    let expected = format!(
        "{from} hash 0x1234\n{}\n{from} hash 0x0042\ns=signed\n\n{from} hash 0x9999\n{from} hash 0x0001\n{from} hash 0x0002\n",
        String::from_utf8_lossy(sdp)
    );
    for receiver in &mut receivers {
        receiver.wait_stdout(&format!("{from} hash 0x0002\n"));
        assert_eq!(receiver.stdout(), expected);
        wait_until("the three refusals", || {
            receiver.stderr().lines().count() == 3
        });
        assert_eq!(
            receiver.stderr(),
            "... version field not 1 (0x40009999)\n... IPv6\n... can't parse this packet type (0x24000002)\n"
        );
    }
}

#[test]
fn usage() {
    assert_usage([
        (
            "mysdr",
            &["224.2.127.254"][..],
            "usage: mysdr <mcast-addr> <port#> <interface-name>",
        ),
        (
            "mysdr",
            &["224.2.127.254", "9875"][..],
            "usage: mysdr <mcast-addr> <port#> <interface-name>",
        ),
    ]);
}
