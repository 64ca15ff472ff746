//! The test network itself: addresses, the broadcast subnet, the router,
//! and nothing left behind.

use std::net::{IpAddr, SocketAddr, UdpSocket};

use unp_tests::netlab::Netlab;
use unp_tests::{skip_unless_root, Proc};

/// A datagram from A reaches B on the subnet, D through the router (v4 and
/// v6), and a broadcast from A reaches B and C.
#[test]
fn hosts_reach_each_other_through_the_switch_and_the_router() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b, c, d) = (lab.host("A"), lab.host("B"), lab.host("C"), lab.host("D"));
    let bind = |host: &unp_tests::netlab::Host, addr: SocketAddr| {
        host.within(|| {
            let sock = UdpSocket::bind(addr).expect("bind");
            sock.set_read_timeout(Some(unp_tests::TIMEOUT)).unwrap();
            sock
        })
    };
    let sender = bind(a, "0.0.0.0:0".parse().unwrap());
    sender.set_broadcast(true).unwrap();
    let sender6 = bind(a, "[::]:0".parse().unwrap());
    let mut buf = [0; 64];
    for (host, addr) in [
        (b, SocketAddr::from((b.ipv4(), 9999))),
        (d, SocketAddr::from((d.ipv4(), 9999))),
        (d, SocketAddr::from((d.ipv6(), 9999))),
    ] {
        let receiver = bind(host, addr);
        let from = if addr.is_ipv4() { &sender } else { &sender6 };
        from.send_to(b"hello", addr).unwrap();
        let (n, peer) = receiver.recv_from(&mut buf).expect("the datagram");
        assert_eq!(&buf[..n], b"hello");
        let a_addr: IpAddr = if addr.is_ipv4() {
            a.ipv4().into()
        } else {
            a.ipv6().into()
        };
        assert_eq!(peer.ip(), a_addr);
    }
    let listeners = [b, c].map(|host| bind(host, "0.0.0.0:9998".parse().unwrap()));
    sender
        .send_to(b"all", SocketAddr::from((a.broadcast(), 9998)))
        .unwrap();
    for listener in &listeners {
        let (n, _) = listener.recv_from(&mut buf).expect("the broadcast");
        assert_eq!(&buf[..n], b"all");
    }
    // Two hops: a TTL of 1 does not get past R.
    let routed = bind(d, SocketAddr::from((d.ipv4(), 9997)));
    let one_hop = bind(a, "0.0.0.0:0".parse().unwrap());
    one_hop.set_ttl(1).unwrap();
    one_hop.send_to(b"ttl 1", (d.ipv4(), 9997)).unwrap();
    one_hop.set_ttl(2).unwrap();
    one_hop.send_to(b"ttl 2", (d.ipv4(), 9997)).unwrap();
    let (n, _) = routed.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ttl 2", "the TTL 1 datagram died at R");
}

/// A program runs in a host: it sees that host's interfaces and
/// addresses, not the machine's.
#[test]
fn a_program_runs_in_its_host() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let out = lab
        .host("R")
        .sh("ip -o -4 addr show | awk '{print $2, $4}'")
        .unwrap();
    assert_eq!(
        out,
        "lo 127.0.0.1/8\neth0 10.0.1.254/24\neth1 10.0.2.254/24\n"
    );
    let out = lab.host("D").sh("ip -6 route show default").unwrap();
    assert!(out.starts_with("default via fd00:2::fe dev eth0"), "{out}");
}

/// Dropping the network (from a panicking test, while a program still runs
/// in a host) leaves nothing behind: no process or descriptor holds any of
/// its namespaces, and the machine's own links and named namespaces never
/// saw it.
#[test]
fn nothing_is_left_behind() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let veths = || output("ip", &["-o", "link", "show", "type", "veth"]);
    let named = || output("ip", &["netns", "list"]);
    let before = (veths(), named());
    let mut namespaces = Vec::new();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let lab = Netlab::start();
        let _sleeper = Proc::spawn_cmd(lab.host("B").command("sleep").arg("1000"));
        for host in lab.hosts() {
            namespaces
                .push(host.within(|| std::fs::read_link("/proc/thread-self/ns/net").unwrap()));
        }
        assert_eq!((veths(), named()), before, "nothing outside the namespaces");
        panic!("a failing test");
    }));
    assert!(panicked.is_err());
    assert_eq!(namespaces.len(), 5);
    for ns in &namespaces {
        assert!(
            holders(ns).is_empty(),
            "{ns:?} still held by {:?}",
            holders(ns)
        );
    }
    assert_eq!((veths(), named()), before);
}

fn output(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every `/proc/PID/ns/net` and `/proc/PID/fd/N` that is the namespace `ns`
/// (`net:[inode]`).
fn holders(ns: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for process in std::fs::read_dir("/proc").unwrap().flatten() {
        let dir = process.path();
        let mut links = vec![dir.join("ns/net")];
        if let Ok(fds) = std::fs::read_dir(dir.join("fd")) {
            links.extend(fds.flatten().map(|fd| fd.path()));
        }
        found.extend(
            links
                .into_iter()
                .filter(|l| std::fs::read_link(l).is_ok_and(|t| t == ns)),
        );
    }
    found
}

/// `scripts/netlab`, the reader's way in, builds the same network: each
/// host has the same addresses, routes and forwarding.
#[test]
fn the_script_builds_the_same_network() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let view = "ip -o addr show scope global | awk '{print $2, $4}'; ip route; ip -6 route | grep -v fe80; \
                cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding";
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/netlab");
    let lab = Netlab::start();
    for host in lab.hosts() {
        let by_hand = std::process::Command::new(script)
            .args([host.name(), "sh", "-c", view])
            .output()
            .unwrap();
        assert!(
            by_hand.status.success(),
            "{}",
            String::from_utf8_lossy(&by_hand.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&by_hand.stdout),
            host.sh(view).unwrap(),
            "host {}",
            host.name()
        );
    }
}
