//! ping against real hosts: loopback in a private network namespace (the
//! raw socket needs root, and other pings on the machine stay out).

use std::process::Command;

use unp_tests::{assert_usage, bin, client, skip_unless_root, Proc, TIMEOUT};

/// `ping args...` in a new network namespace whose loopback is up.
fn ping_in_netns(args: &[&str]) -> Proc {
    let mut cmd = Command::new("unshare");
    cmd.args([
        "--net",
        "--",
        "sh",
        "-c",
        "ip link set lo up && exec \"$0\" \"$@\"",
    ])
    .arg(bin("ping"))
    .args(args);
    Proc::spawn_cmd(&mut cmd)
}

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

/// Three replies in order, one a second, with the TTL or hop limit of a
/// packet that never left the host.
fn pings(addr: &str, hops: &str) {
    let mut ping = ping_in_netns(&[addr]);
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
    pings("127.0.0.1", "ttl=64");
}

#[test]
fn ping_loopback_v6_gets_the_hop_limit_as_ancillary_data() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    pings("::1", "hlim=64");
}

/// The raw socket gets every ICMP message: on loopback, our own echo
/// requests too (type 8, or 128 for ICMPv6 once `-v` lifts the filter),
/// which `-v` prints, before the reply to each.
fn verbose_shows_our_own_requests(addr: &str, request_type: u8, hops: &str) {
    let mut ping = ping_in_netns(&["-v", addr]);
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
    let mut ping = ping_in_netns(&["::1"]);
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
