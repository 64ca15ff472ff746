//! The harness's unreliable UDP relay ([`UdpRelay`]) between a test-side
//! client and echo server: each fate of a [`Plan`] does what it says.

use std::net::UdpSocket;
use std::time::Duration;

use unp_tests::{wait_until, Direction, Fate, Plan, UdpRelay};

/// Request 1 dropped, request 2 duplicated, reply 2 held until the next
/// request, reply 3 delayed 100 ms: each as planned, and in the log.
#[test]
fn the_plan_decides_what_passes() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let plan = Plan::new()
        .request(1, Fate::Drop)
        .request(2, Fate::Duplicate)
        .reply(2, Fate::Hold)
        .reply(3, Fate::Delay(Duration::from_millis(100)));
    let relay = UdpRelay::start(server.local_addr().unwrap(), plan).unwrap();
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 16];
    let mut echo = |expected: &[u8]| {
        let (n, from) = server.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], expected);
        server.send_to(&buf[..n], from).unwrap();
    };

    client.send_to(b"a", relay.addr()).unwrap(); // dropped
    client.send_to(b"b", relay.addr()).unwrap(); // twice
    echo(b"b");
    echo(b"b");
    let mut reply = [0u8; 16];
    let n = client.recv(&mut reply).unwrap();
    assert_eq!(&reply[..n], b"b");
    wait_until("the second echo held", || relay.log().len() == 4);
    client.send_to(b"c", relay.addr()).unwrap(); // releases it first
    echo(b"c");
    for expected in [b"b", b"c"] {
        let n = client.recv(&mut reply).unwrap();
        assert_eq!(&reply[..n], expected);
    }
    let log = relay.log();
    let reply3 = log.last().unwrap().at;
    assert!(reply3.elapsed() >= Duration::from_millis(100), "delayed");
    let fates: Vec<_> = relay
        .log()
        .iter()
        .map(|r| (r.direction, r.nth, r.fate))
        .collect();
    assert_eq!(
        fates,
        [
            (Direction::Request, 1, Fate::Drop),
            (Direction::Request, 2, Fate::Duplicate),
            (Direction::Reply, 1, Fate::Pass),
            (Direction::Reply, 2, Fate::Hold),
            (Direction::Request, 3, Fate::Pass),
            (Direction::Reply, 3, Fate::Delay(Duration::from_millis(100))),
        ]
    );
}
