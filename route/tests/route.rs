//! The routing programs in the test network's hosts, whose routes and
//! interfaces are known: A (10.0.1.1 on eth0, default route via R), and
//! the router R (10.0.1.254 on eth0, 10.0.2.254 on eth1, no default).

use unp_tests::netlab::{Host, Netlab};
use unp_tests::{assert_usage, skip_unless_root, TIMEOUT};

/// Run `name args` in `host` to its end: stdout, stderr, exit code.
fn run(host: &Host, name: &str, args: &[&str]) -> (String, String, Option<i32>) {
    let mut proc = host.spawn(name, args);
    let status = proc.wait_exit_within(TIMEOUT).expect("it ends");
    (proc.stdout(), proc.stderr(), status.code())
}

fn ok(host: &Host, name: &str, args: &[&str]) -> String {
    let (stdout, stderr, code) = run(host, name, args);
    assert_eq!((stderr.as_str(), code), ("", Some(0)), "{name} {args:?}");
    stdout
}

/// `N` of `N: eth0@...` in `ip -o link show <interface>`.
fn ifindex(host: &Host, interface: &str) -> u32 {
    let line = host
        .sh(&format!("ip -o link show {interface}"))
        .expect("ip link");
    line.split(':')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("an index")
}

/// `link/ether X` of the interface, as the book prints it (`%x`, no
/// leading zeros).
fn mac(host: &Host, interface: &str) -> String {
    let line = host
        .sh(&format!("ip -o link show {interface}"))
        .expect("ip link");
    let ether = line
        .split_whitespace()
        .skip_while(|w| *w != "link/ether")
        .nth(1)
        .expect("a MAC");
    let bytes: Vec<String> = ether
        .split(':')
        .map(|b| format!("{:x}", u8::from_str_radix(b, 16).expect("hex")))
        .collect();
    bytes.join(":")
}

#[test]
fn getrt_finds_the_route_a_destination_matches() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, r) = (lab.host("A"), lab.host("R"));
    let far = lab.host("D").ipv4().to_string();
    let near = lab.host("B").ipv4().to_string();
    let router = r.ipv4();
    assert_eq!(
        ok(a, "getrt", &[&far]),
        format!("dest: 0.0.0.0\ngateway: {router}\nnetmask: 0.0.0.0\n"),
        "the default route, through R"
    );
    assert_eq!(
        ok(a, "getrt", &[&near]),
        "dest: 10.0.1.0\nnetmask: 255.255.255.0\n",
        "a directly connected network: no gateway"
    );
    assert_eq!(
        ok(r, "getrt", &[&far]),
        "dest: 10.0.2.0\nnetmask: 255.255.255.0\n"
    );
    assert_eq!(
        run(r, "getrt", &["10.9.9.9"]),
        (
            String::new(),
            "RTM_GETROUTE error: Network is unreachable\n".into(),
            Some(1)
        ),
        "R has no default route"
    );
}

#[test]
fn mynetstat_lists_routes_and_interfaces() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let a = lab.host("A");
    let (eth0, mac) = (ifindex(a, "eth0"), mac(a, "eth0"));
    assert_eq!(
        ok(a, "mynetstat", &["inet4"]),
        format!(
            "dest: 0.0.0.0, gateway: 10.0.1.254\n\
             dest: 10.0.1.0\n\
             dest: 224.0.0.0\n\
             interface: lo (index 1): <UP LOOP >\n\
             \x20 IP addr: 127.0.0.1\n\
             interface: eth0 (index {eth0}): <UP BCAST MCAST >\n\
             \x20 {mac}\n\
             \x20 IP addr: 10.0.1.1\n\
             \x20 bcast addr: 10.0.1.255\n"
        )
    );
    let v6 = ok(a, "mynetstat", &["inet6"]);
    assert!(v6.contains("dest: fd00:1::\n"), "{v6}");
    assert!(v6.contains("dest: ::, gateway: fd00:1::fe\n"), "{v6}");
    assert!(v6.contains("  IP addr: fd00:1::1\n"), "{v6}");
    assert!(!v6.contains("10.0.1.1"), "{v6}");
}

#[test]
fn prifindex_prifname_and_prifnameindex_agree() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let a = lab.host("A");
    let eth0 = ifindex(a, "eth0");
    assert_eq!(
        ok(a, "prifindex", &["eth0"]),
        format!("interface index = {eth0}\n")
    );
    assert_eq!(
        ok(a, "prifname", &[&eth0.to_string()]),
        "interface name = eth0\n"
    );
    assert_eq!(ok(a, "prifname", &["1"]), "interface name = lo\n");
    assert_eq!(
        ok(a, "prifnameindex", &[]),
        format!("name = lo, index = 1\nname = eth0, index = {eth0}\n")
    );
}

#[test]
fn route_bad_arguments() {
    assert_usage([
        ("getrt", &[][..], "usage: getrt <IPaddress>".to_string()),
        (
            "getrt",
            &["10.0.0.1", "x"][..],
            "usage: getrt <IPaddress>".into(),
        ),
        (
            "getrt",
            &["nowhere"][..],
            "inet_pton error for nowhere".into(),
        ),
        (
            "mynetstat",
            &[][..],
            "usage: mynetstat <inet4|inet6|all>".into(),
        ),
        (
            "mynetstat",
            &["inet5"][..],
            "invalid <address-family>".into(),
        ),
        (
            "prifindex",
            &[][..],
            "usage: prifname <interface-name>".into(),
        ),
        (
            "prifindex",
            &["nosuchif0"][..],
            "if_nametoindex error for nosuchif0".into(),
        ),
        (
            "prifname",
            &["x"][..],
            "usage: prifname <interface-index>".into(),
        ),
        (
            "prifname",
            &["888888"][..],
            "if_indextoname error for 888888".into(),
        ),
        ("prifnameindex", &["x"][..], "usage: prifnameindex".into()),
    ]);
}
