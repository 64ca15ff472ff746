//! ping against real hosts: loopback in a private network namespace (the
//! raw socket needs root, and other pings on the machine stay out).

use std::process::Command;

use unp_tests::netlab::Netlab;
use unp_tests::{assert_usage, bin, client, skip_unless_root, spawn_in_netns, Proc, TIMEOUT};

fn next_line(ping: &mut Proc) -> String {
    match ping.next_line(TIMEOUT) {
        Ok(Some(line)) => line,
        other => panic!("no line from ping ({other:?}); stderr: {}", ping.stderr()),
    }
}

/// The sequence number of a reply line `<len> bytes from <from>: seq=N,
/// <hops>, rtt=D.DDD ms`, after checking its shape (the time itself is
/// not checked: timing is the lab's business).
fn reply_seq(line: &str, from: &str, hops: &str) -> u16 {
    let rest = line
        .strip_prefix(&format!("64 bytes from {from}: seq="))
        .unwrap_or_else(|| panic!("not a reply from {from}: {line:?}"));
    let (seq, rest) = rest.split_once(", ").expect("seq=N, ...");
    let rtt = rest
        .strip_prefix(&format!("{hops}, rtt="))
        .and_then(|r| r.strip_suffix(" ms"))
        .unwrap_or_else(|| panic!("not {hops}, rtt=... ms: {line:?}"));
    let (whole, millis) = rtt.split_once('.').expect("rtt with a decimal point");
    assert!(whole.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
    assert!(
        millis.len() == 3 && millis.bytes().all(|b| b.is_ascii_digit()),
        "{line:?}"
    );
    seq.parse().expect("a sequence number")
}

/// Three replies in order, one a second, with the TTL or hop limit the
/// reply arrived with.
fn pings(mut ping: Proc, addr: &str, hops: &str) {
    assert_eq!(
        next_line(&mut ping),
        format!("PING {addr} ({addr}): 56 data bytes")
    );
    for expected in 0..3 {
        assert_eq!(reply_seq(&next_line(&mut ping), addr, hops), expected);
    }
}

#[test]
fn ping_loopback_v4_replies_in_sequence() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    pings(
        spawn_in_netns("ping", &["127.0.0.1"]),
        "127.0.0.1",
        "ttl=64",
    );
}

#[test]
fn ping_loopback_v6_gets_the_hop_limit_as_ancillary_data() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    pings(spawn_in_netns("ping", &["::1"]), "::1", "hlim=64");
}

/// From A to D, behind the router: each reply comes back with its TTL or
/// hop limit one less than D sent it with (64).
#[test]
fn ping_across_the_router_sees_one_hop_taken_off() {
    if skip_unless_root("network namespaces, raw socket") {
        return;
    }
    let lab = Netlab::start();
    let (a, d) = (lab.host("A"), lab.host("D"));
    let v4 = d.ipv4().to_string();
    pings(a.spawn("ping", &[&v4]), &v4, "ttl=63");
    let v6 = d.ipv6().to_string();
    pings(a.spawn("ping", &[&v6]), &v6, "hlim=63");
}

/// Towards a network the router has no route to, no reply comes, but the
/// router's "network unreachable" (type 3, code 0) reaches the raw socket:
/// `-v` prints it, 92 bytes (8 of ICMP header, then the request's IP
/// header and its 64 bytes, quoted).
#[test]
fn ping_v_shows_the_routers_unreachable() {
    if skip_unless_root("network namespaces, raw socket") {
        return;
    }
    let lab = Netlab::start();
    let router = lab.host("R").ipv4();
    let mut ping = lab.host("A").spawn("ping", &["-v", "10.9.9.9"]);
    assert_eq!(
        next_line(&mut ping),
        "PING 10.9.9.9 (10.9.9.9): 56 data bytes"
    );
    assert_eq!(
        next_line(&mut ping),
        format!("  92 bytes from {router}: type = 3, code = 0")
    );
}

/// The raw socket gets every ICMP message: on loopback, our own echo
/// requests too (type 8, or 128 for ICMPv6 once `-v` lifts the filter),
/// which `-v` prints, before the reply to each.
fn verbose_shows_our_own_requests(addr: &str, request_type: u8, hops: &str) {
    let mut ping = spawn_in_netns("ping", &["-v", addr]);
    assert_eq!(
        next_line(&mut ping),
        format!("PING {addr} ({addr}): 56 data bytes")
    );
    for expected in 0..2 {
        assert_eq!(
            next_line(&mut ping),
            format!("  64 bytes from {addr}: type = {request_type}, code = 0")
        );
        assert_eq!(reply_seq(&next_line(&mut ping), addr, hops), expected);
    }
}

#[test]
fn ping_v_shows_the_other_icmp_messages_the_raw_socket_gets() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    verbose_shows_our_own_requests("127.0.0.1", 8, "ttl=64");
    verbose_shows_our_own_requests("::1", 128, "hlim=64");
}

/// Without `-v`, IPv6's `ICMP6_FILTER` keeps the requests away: the first
/// line after the header is already the reply.
#[test]
fn ping_v6_filter_passes_only_echo_replies() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    let mut ping = spawn_in_netns("ping", &["::1"]);
    next_line(&mut ping);
    assert_eq!(reply_seq(&next_line(&mut ping), "::1", "hlim=64"), 0);
}

/// A raw socket needs privilege: as `nobody`, socket(2) fails (the header
/// is printed before, as in the C).
#[test]
fn ping_needs_root_for_its_raw_socket() {
    if skip_unless_root("setpriv") {
        return;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args([
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "--inh-caps=-all",
    ])
    .arg(bin("ping"))
    .arg("127.0.0.1");
    let mut ping = Proc::spawn_cmd(&mut cmd);
    let status = ping.wait_exit_within(TIMEOUT).expect("ping exits");
    assert_eq!(status.code(), Some(1));
    assert_eq!(ping.stdout(), "PING 127.0.0.1 (127.0.0.1): 56 data bytes\n");
    assert_eq!(ping.stderr(), "socket error: Operation not permitted\n");
}

#[test]
fn ping_bad_arguments() {
    assert_usage([
        ("ping", &[][..], "usage: ping [ -v ] <hostname>"),
        ("ping", &["a", "b"][..], "usage: ping [ -v ] <hostname>"),
        ("ping", &["-v"][..], "usage: ping [ -v ] <hostname>"),
        ("ping", &["-x", "127.0.0.1"][..], "unrecognized option: x"),
        (
            "ping",
            &["99999"][..],
            "cannot ping 0.1.134.159: not a destination address",
        ),
        (
            "ping",
            &["::"][..],
            "cannot ping ::: not a destination address",
        ),
    ]);
    // Refused before any packet: the kernel would send it as IPv4.
    client("ping")
        .arg("::ffff:127.0.0.1")
        .assert()
        .code(1)
        .stdout("PING ::ffff:127.0.0.1 (::ffff:127.0.0.1): 56 data bytes\n")
        .stderr("cannot ping IPv4-mapped IPv6 address\n");
}
