//! Chapter 17 tests: in a network namespace the test makes, a veth pair
//! and a tun device get known names, addresses (an alias with a label, a
//! secondary address without one, IPv6, a point-to-point peer), MTUs and
//! MAC addresses, and each program must print exactly what the kernel was
//! told. Without root only lo (always there) and the argument errors are
//! checked.

use unp_tests::{assert_usage, client, in_netns, skip_unless_root};

/// The interfaces, in index order: lo (1); v1 (2), down, with an address
/// that must never be listed; v0 (3), up, MTU 1400, MAC 02:00:00:00:00:0a,
/// two IPv4 addresses in one subnet, one in another under the label v0:1,
/// two IPv6 addresses; tun0 (4), point-to-point, with a peer in each
/// family. No link-local IPv6 address is generated (addrgenmode none) and
/// no duplicate address detection runs (nodad): what is listed is only
/// what the script added.
const NETWORK: &str = "
ip link add v0 address 02:00:00:00:00:0a mtu 1400 type veth peer name v1 address 02:00:00:00:00:0b
ip link set v0 addrgenmode none
ip link set v1 addrgenmode none
ip link set v0 up
ip addr add 10.1.0.1/24 brd + dev v0
ip addr add 10.1.0.5/24 brd + dev v0
ip addr add 10.2.0.1/16 brd + dev v0 label v0:1
ip addr add fd00:1::1/64 dev v0 nodad
ip addr add fd00:2::1/64 dev v0 nodad
ip addr add 10.4.0.1/24 dev v1
ip tuntap add dev tun0 mode tun
ip link set tun0 addrgenmode none
ip link set tun0 up
ip addr add 10.9.0.1 peer 10.9.0.2 dev tun0
ip addr add fd00:9::1 peer fd00:9::2 dev tun0 nodad
";

/// `commands` run in a namespace with [`NETWORK`]: their stdout.
fn in_network(commands: &str) -> String {
    let out = in_netns(&format!("{NETWORK}\n{commands}"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{commands}");
    assert!(out.status.success(), "{commands}: {:?}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

const LO_V4: &str = "lo: (1) <UP LOOP >\n  MTU: 65536\n  IP addr: 127.0.0.1\n";
const V0: &str = "v0: (3) <UP BCAST MCAST >\n  2:0:0:0:0:a\n  MTU: 1400\n";
const TUN0: &str = "tun0: (4) <UP MCAST P2P >\n  MTU: 1500\n";

/// Every address of every interface that is up, each with its own
/// broadcast address (the alias v0:1 its /16's); the down v1 is left out;
/// lo's MTU of 65536 is printed (the C's `short` made it 0); the index and
/// MAC are there (the C had none on Linux).
#[test]
fn prifinfo_inet4_lists_every_address_with_aliases() {
    if skip_unless_root("unshare") {
        return;
    }
    assert_eq!(
        in_network("prifinfo inet4 1"),
        format!(
            "{LO_V4}\
             {V0}  IP addr: 10.1.0.1\n  broadcast addr: 10.1.0.255\n\
             {V0}  IP addr: 10.2.0.1\n  broadcast addr: 10.2.255.255\n\
             {V0}  IP addr: 10.1.0.5\n  broadcast addr: 10.1.0.255\n\
             {TUN0}  IP addr: 10.9.0.1\n  destination addr: 10.9.0.2\n"
        )
    );
}

/// `doaliases` 0: the first address of each interface only.
#[test]
fn prifinfo_without_aliases_lists_each_interface_once() {
    if skip_unless_root("unshare") {
        return;
    }
    assert_eq!(
        in_network("prifinfo inet4 0"),
        format!(
            "{LO_V4}\
             {V0}  IP addr: 10.1.0.1\n  broadcast addr: 10.1.0.255\n\
             {TUN0}  IP addr: 10.9.0.1\n  destination addr: 10.9.0.2\n"
        )
    );
}

/// IPv6, which Linux's SIOCGIFCONF never lists (the C said
/// `get_ifi_info error`): the addresses in the kernel's order (newest
/// first), no broadcast, the tunnel's peer.
#[test]
fn prifinfo_inet6_lists_the_ipv6_addresses() {
    if skip_unless_root("unshare") {
        return;
    }
    assert_eq!(
        in_network("prifinfo inet6 1; echo; prifinfo inet6 0"),
        format!(
            "lo: (1) <UP LOOP >\n  MTU: 65536\n  IP addr: ::1\n\
             {V0}  IP addr: fd00:2::1\n\
             {V0}  IP addr: fd00:1::1\n\
             {TUN0}  IP addr: fd00:9::1\n  destination addr: fd00:9::2\n\
             \n\
             lo: (1) <UP LOOP >\n  MTU: 65536\n  IP addr: ::1\n\
             {V0}  IP addr: fd00:2::1\n\
             {TUN0}  IP addr: fd00:9::1\n  destination addr: fd00:9::2\n"
        )
    );
}

/// Every SIOCGIFCONF entry, down interfaces and labels included, and no
/// empty line between them (the C's 32-byte steps through 40-byte entries
/// printed some).
#[test]
fn lsif01_and_lsif02_print_every_siocgifconf_entry() {
    if skip_unless_root("unshare") {
        return;
    }
    let entries = "lo\t127.0.0.1\n\
                   v1\t10.4.0.1\n\
                   v0\t10.1.0.1\n\
                   v0:1\t10.2.0.1\n\
                   v0\t10.1.0.5\n\
                   tun0\t10.9.0.1\n";
    assert_eq!(in_network("lsif01; lsif02"), format!("{entries}{entries}"));
}

/// Each interface's first IPv4 address and its hardware address (lo's and
/// the tunnel's are zeros).
#[test]
fn prmac_prints_each_address_with_its_interface_mac() {
    if skip_unless_root("unshare") {
        return;
    }
    assert_eq!(
        in_network("prmac"),
        "127.0.0.1: 0:0:0:0:0:0\n\
         10.1.0.1: 2:0:0:0:0:a\n\
         10.9.0.1: 0:0:0:0:0:0\n"
    );
}

/// SIOCGIFCONF with no buffer counts the six IPv4 entries; Solaris's
/// SIOCGHIWAT is not a Linux request: ENOTTY (25).
#[test]
fn ioctl_test1_counts_the_entries_and_gets_enotty() {
    if skip_unless_root("unshare") {
        return;
    }
    assert_eq!(
        in_network("ioctl-test1"),
        format!("numif = 6\ni = -1, errno = {}\n", libc::ENOTTY)
    );
}

/// Without a namespace: lo is always there, up, with 127.0.0.1 first.
#[test]
fn prifinfo_lists_the_loopback_interface_anywhere() {
    let out = client("prifinfo").args(["inet4", "0"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("lo: (1) <UP LOOP >\n  MTU: 65536\n  IP addr: 127.0.0.1\n"),
        "{stdout}"
    );
}

#[test]
fn bad_arguments_print_one_line_and_exit_1() {
    let usage = "usage: prifinfo <inet4|inet6> <doaliases>";
    assert_usage([
        ("prifinfo", &[][..], usage),
        ("prifinfo", &["inet4"][..], usage),
        ("prifinfo", &["inet4", "1", "x"][..], usage),
        ("prifinfo", &["inet4", "yes"][..], usage),
        ("prifinfo", &["link", "1"][..], "invalid <address-family>"),
        ("lsif01", &["x"][..], "usage: lsif01"),
        ("lsif02", &["x"][..], "usage: lsif02"),
        ("prmac", &["x"][..], "usage: prmac"),
        ("ioctl-test1", &["x"][..], "usage: ioctl-test1"),
    ]);
}
