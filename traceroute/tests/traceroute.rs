//! traceroute on loopback (one hop) and across the test network's router
//! (two hops), IPv4 and IPv6.

use unp_tests::netlab::Netlab;
use unp_tests::{assert_usage, skip_unless_root, spawn_in_netns, Proc, TIMEOUT};

/// Every line traceroute prints until it exits, each hop line reduced to
/// its shape: `1 127.0.0.1 T T T` (a round-trip time is `T`, a responder
/// `name (address)` is its address, ` *` stays).
fn trace(mut tr: Proc) -> Vec<String> {
    let status = tr.wait_exit_within(TIMEOUT).expect("traceroute ends");
    assert!(status.success(), "{status:?}: {}", tr.stderr());
    let mut lines = tr.stdout().lines().map(str::to_owned).collect::<Vec<_>>();
    for hop in lines.iter_mut().skip(1) {
        *hop = shape(hop);
    }
    lines
}

fn shape(hop: &str) -> String {
    let tokens: Vec<&str> = hop.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let is_rtt = tokens.get(i + 1) == Some(&"ms")
            && token.split_once('.').is_some_and(|(whole, ms)| {
                ms.len() == 3 && whole.parse::<u64>().is_ok() && ms.parse::<u64>().is_ok()
            });
        if is_rtt {
            out.push("T".into());
            i += 2;
        } else if let Some(addr) = tokens
            .get(i + 1)
            .and_then(|next| next.strip_prefix('(')?.strip_suffix(')'))
        {
            out.push(addr.into()); // name (address)
            i += 2;
        } else {
            out.push(token.into());
            i += 1;
        }
    }
    out.join(" ")
}

#[test]
fn traceroute_on_loopback_is_one_hop() {
    if skip_unless_root("raw socket, unshare") {
        return;
    }
    for addr in ["127.0.0.1", "::1"] {
        assert_eq!(
            trace(spawn_in_netns("traceroute", &[addr])),
            [
                format!("traceroute to {addr} ({addr}): 30 hops max, 24 data bytes"),
                format!("1 {addr} T T T"),
            ]
        );
    }
}

/// A network whose router answers every probe: Linux rate-limits the ICMP
/// errors a host sends (except on loopback), and three probes a hop soon
/// meet the limit.
fn network() -> Netlab {
    let lab = Netlab::start();
    lab.host("R")
        .sh("sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0")
        .expect("sysctl in R");
    lab
}

/// From A to D: the router (the address of its interface on A's side),
/// then D, which answers "port unreachable".
#[test]
fn traceroute_lists_the_router_then_the_destination() {
    if skip_unless_root("network namespaces, raw socket") {
        return;
    }
    let lab = network();
    let (a, r, d) = (lab.host("A"), lab.host("R"), lab.host("D"));
    for (dest, router) in [
        (d.ipv4().to_string(), r.ipv4().to_string()),
        (d.ipv6().to_string(), r.ipv6().to_string()),
    ] {
        assert_eq!(
            trace(a.spawn("traceroute", &[&dest])),
            [
                format!("traceroute to {dest} ({dest}): 30 hops max, 24 data bytes"),
                format!("1 {router} T T T"),
                format!("2 {dest} T T T"),
            ]
        );
    }
}

/// Towards a network the router has no route to, every probe gets "network
/// unreachable" (IPv6: "no route to host") from the router: printed, and
/// not an end, so `-m 2` stops it. IPv4's "network unreachable" has a rate
/// limit of its own, `net.ipv4.route.error_cost` and `error_burst`, which
/// are not per namespace: after a burst of 5, one a second, so hop 2 may
/// show ` *`. IPv6's follows `net.ipv6.icmp.ratelimit`, off here.
#[test]
fn traceroute_prints_other_unreachable_codes() {
    if skip_unless_root("network namespaces, raw socket") {
        return;
    }
    let lab = network();
    let (a, r) = (lab.host("A"), lab.host("R"));
    let unreachable = |router: &str, text: &str| {
        let probe = format!("T {text}");
        format!("{router} {probe} {probe} {probe}")
    };

    let (router, text) = (r.ipv6().to_string(), "(ICMP no route to host)");
    assert_eq!(
        trace(a.spawn("traceroute", &["-m", "2", "fd00:9::9"])),
        [
            "traceroute to fd00:9::9 (fd00:9::9): 2 hops max, 24 data bytes".to_string(),
            format!("1 {}", unreachable(&router, text)),
            format!("2 {}", unreachable(&router, text)),
        ]
    );

    let (router, text) = (r.ipv4().to_string(), "(ICMP network unreachable)");
    let lines = trace(a.spawn("traceroute", &["-m", "2", "10.9.9.9"]));
    assert_eq!(
        lines[..2],
        [
            "traceroute to 10.9.9.9 (10.9.9.9): 2 hops max, 24 data bytes".to_string(),
            format!("1 {}", unreachable(&router, text)),
        ]
    );
    let hop2 = lines[2]
        .replace(&format!("T {text}"), "T")
        .replace(&router, "");
    let hop2: Vec<&str> = hop2.split_whitespace().collect();
    assert!(
        hop2.len() == 4 && hop2[0] == "2" && hop2[1..].iter().all(|p| *p == "T" || *p == "*"),
        "{}",
        lines[2]
    );
}

#[test]
fn traceroute_bad_arguments() {
    let usage = "usage: traceroute [ -m <maxttl> -v ] <hostname>";
    assert_usage([
        ("traceroute", &[][..], usage),
        ("traceroute", &["a", "b"][..], usage),
        ("traceroute", &["-v"][..], usage),
        (
            "traceroute",
            &["-m", "1", "127.0.0.1"][..],
            "invalid -m value",
        ),
        (
            "traceroute",
            &["-m", "x", "127.0.0.1"][..],
            "invalid -m value",
        ),
        ("traceroute", &["-m"][..], "invalid -m value"),
        (
            "traceroute",
            &["-q", "127.0.0.1"][..],
            "unrecognized option: q",
        ),
        (
            "traceroute",
            &["99999"][..],
            "cannot traceroute 0.1.134.159: not a destination address",
        ),
    ]);
}
