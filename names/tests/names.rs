//! Chapter 11: each program of names/ with its peer, IPv4 and IPv6 through
//! the same protocol-independent clients and servers. Without root, only
//! address literals, port numbers and `localhost` (127.0.0.1 in every
//! `/etc/hosts`) are used; the tests of names (`ip6-localhost`, `daytime`,
//! this host's own name, `/etc/networks`) run as root in a private network,
//! mount and UTS namespace with their own `/etc/hosts`, `/etc/services`,
//! `/etc/networks` and a files-only `/etc/nsswitch.conf`: no DNS, and the
//! book's port 13.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use unp_tests::{
    asleep_in, assert_usage, client, free_port, in_netns, run_client, server, skip_unless_root,
    udp_server, wait_until, Proc,
};

/// A daytime reply: `ctime`'s 24 characters and CR LF.
fn assert_daytime(reply: &[u8]) {
    let text = String::from_utf8_lossy(reply);
    assert_eq!(reply.len(), 26, "{text:?}");
    assert!(
        text.ends_with("\r\n") && text.as_bytes()[3] == b' ',
        "{text:?}"
    );
}

/// `prefix` then a daytime reply.
fn assert_prefix_then_daytime(out: &[u8], prefix: &str) {
    let text = String::from_utf8_lossy(out);
    assert!(text.starts_with(prefix), "{text:?}");
    assert_daytime(&out[prefix.len()..]);
}

#[test]
fn bad_arguments_print_the_usage_line() {
    let cli =
        |name, usage: &'static str| [(name, &[][..], usage), (name, &["h", "s", "x"][..], usage)];
    let srv =
        |name, usage: &'static str| [(name, &[][..], usage), (name, &["h", "s", "x"][..], usage)];
    let mut cases = Vec::new();
    for (name, usage) in [
        ("hostent", "usage: hostent <hostname> ..."),
        ("hostent2", "usage: hostent2 <hostname> ..."),
        ("hostent3", "usage: hostent3 <hostname> ..."),
        ("names-test1", "usage: test1 <hostname> ..."),
        ("netent", "usage: netent <netname> ..."),
    ] {
        cases.push((name, &[][..], usage));
    }
    cases.push(("prmyaddrs", &["x"][..], "usage: prmyaddrs"));
    cases.push(("prmyaddrs1", &["x"][..], "usage: prmyaddrs1"));
    for (name, usage) in [
        (
            "names-daytimetcpcli",
            "usage: daytimetcpcli <hostname/IPaddress> <service/port#>",
        ),
        (
            "names-daytimetcpcli1",
            "usage: daytimetcpcli1 <hostname> <service>",
        ),
        (
            "names-daytimetcpcli2",
            "usage: daytimetcpcli2 <hostname> <service>",
        ),
        (
            "names-daytimetcpcli3",
            "usage: daytimetcpcli3 <hostname> <service>",
        ),
        (
            "daytimeudpcli1",
            "usage: daytimeudpcli1 <hostname/IPaddress> <service/port#>",
        ),
        (
            "daytimeudpcli2",
            "usage: daytimeudpcli2 <hostname/IPaddress> <service/port#>",
        ),
        (
            "names-test2",
            "usage: test2 <hostname/IPaddress> <service/port#>",
        ),
    ] {
        cases.extend(cli(name, usage));
    }
    cases.push((
        "names-daytimetcpsrv1",
        &[][..],
        "usage: daytimetcpsrv1 <service or port#>",
    ));
    cases.push((
        "names-daytimetcpsrv1",
        &["h", "s"][..],
        "usage: daytimetcpsrv1 <service or port#>",
    ));
    for (name, usage) in [
        (
            "names-daytimetcpsrv2",
            "usage: daytimetcpsrv2 [ <host> ] <service or port>",
        ),
        (
            "names-daytimetcpsrv3",
            "usage: daytimetcpsrv3 [ <host> ] <service or port>",
        ),
        (
            "daytimetcpsrv4",
            "usage: daytimetcpsrv4 [ <host> ] <service or port>",
        ),
        (
            "daytimeudpsrv2",
            "usage: daytimeudpsrv [ <host> ] <service or port>",
        ),
        (
            "daytimeudpsrv3",
            "usage: daytimeudpsrv [ <host> ] <service or port>",
        ),
    ] {
        cases.extend(srv(name, usage));
    }
    assert_usage(cases);
}

#[test]
fn hostent_prints_the_official_name_and_the_ipv4_addresses() {
    let out = run_client("hostent", &["localhost", "127.0.0.1"], b"", "");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "official hostname: localhost\n\taddress: 127.0.0.1\n\
         official hostname: 127.0.0.1\n\taddress: 127.0.0.1\n"
    );
    // gethostbyname's lesson: IPv4 only, an IPv6 literal is not found.
    let out = client("hostent").arg("::1").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("gethostbyname error for host: ::1: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert_eq!((out.status.code(), &out.stdout[..]), (Some(1), &b""[..]));
}

#[test]
fn the_reverse_lookups_name_each_address() {
    let out = run_client("hostent2", &["localhost"], b"", "");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "official hostname: localhost\n\taddress: 127.0.0.1\n\tname = localhost\n"
    );
    let out = run_client("hostent3", &["localhost"], b"", "");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "official host name: localhost\n\tIPv4 address: 127.0.0.1    name = localhost\n"
    );
    let out = run_client("names-test1", &["localhost"], b"", "");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "official host name: localhost\n\taddress: 127.0.0.1\n\t\tname = localhost\n\
         \t\tofficial host name: localhost\n"
    );
}

#[test]
fn names_test2_binds_the_wildcard_of_the_servers_family() {
    // names-test2 over IPv4 and IPv6: it binds the wildcard of the
    // server's family itself.
    let port = free_port();
    let ps = port.to_string();
    let _srv = udp_server("daytimeudpsrv2", &["::", &ps], port);
    let out = run_client("names-test2", &["127.0.0.1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "bound 0.0.0.0\nsending to 127.0.0.1\n");
    let out = run_client("names-test2", &["::1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "bound ::\nsending to ::1\n");
}

#[test]
fn one_protocol_independent_client_talks_ipv4_and_ipv6() {
    let port = free_port();
    let ps = port.to_string();
    let mut srv = server("names-daytimetcpsrv2", &["::", &ps], port);
    let out = run_client("names-daytimetcpcli", &["::1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "connected to ::1\n");
    let out = run_client("names-daytimetcpcli", &["127.0.0.1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "connected to 127.0.0.1\n");
    // localhost is 127.0.0.1, and ::1 too where /etc/hosts says so (Debian).
    let out = run_client("names-daytimetcpcli", &["localhost", &ps], b"", "");
    let first = ["connected to 127.0.0.1\n", "connected to ::1\n"]
        .into_iter()
        .find(|line| out.starts_with(line.as_bytes()))
        .expect("connected to localhost");
    assert_prefix_then_daytime(&out, first);
    // An IPv6 server sees the IPv4 client as an IPv4-mapped address.
    assert_eq!(
        srv.next_line(unp_tests::TIMEOUT)
            .unwrap()
            .unwrap()
            .split(']')
            .next(),
        Some("connection from [::1")
    );
    let line = srv.next_line(unp_tests::TIMEOUT).unwrap().unwrap();
    assert!(
        line.starts_with("connection from [::ffff:127.0.0.1]:"),
        "{line}"
    );
}

#[test]
fn with_no_host_the_server_is_ipv4_only() {
    let port = free_port();
    let ps = port.to_string();
    let mut srv = server("names-daytimetcpsrv1", &[&ps], port);
    let out = run_client("names-daytimetcpcli", &["127.0.0.1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "connected to 127.0.0.1\n");
    let line = srv.next_line(unp_tests::TIMEOUT).unwrap().unwrap();
    assert!(line.starts_with("connection from 127.0.0.1:"), "{line}");
    client("names-daytimetcpcli")
        .args(["::1", &ps])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "tcp_connect error for ::1, {ps}: Connection refused\n"
        ));
}

#[test]
fn daytimetcpsrv4_prints_numeric_host_dot_port() {
    let port = free_port();
    let ps = port.to_string();
    let mut srv = server("daytimetcpsrv4", &["::1", &ps], port);
    let out = run_client("names-daytimetcpcli", &["::1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "connected to ::1\n");
    let line = srv.next_line(unp_tests::TIMEOUT).unwrap().unwrap();
    let port_part = line.strip_prefix("connection from ::1.").expect(&line);
    assert!(port_part.parse::<u16>().is_ok(), "{line}");
}

#[test]
fn so_linger_zero_ends_the_connection_with_a_reset() {
    let port = free_port();
    let ps = port.to_string();
    let _srv = server("names-daytimetcpsrv3", &["127.0.0.1", &ps], port);
    let out = client("names-daytimetcpcli")
        .args(["127.0.0.1", &ps])
        .output()
        .unwrap();
    assert_prefix_then_daytime(&out.stdout, "connected to 127.0.0.1\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "read error: Connection reset by peer\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_gethostbyname_clients_try_each_address_and_daytimetcpcli2_takes_a_port() {
    let port = free_port();
    let ps = port.to_string();
    // Nothing listens: connect error, then no address is left.
    client("names-daytimetcpcli2")
        .args(["127.0.0.1", &ps])
        .assert()
        .code(1)
        .stdout(format!("trying 127.0.0.1:{ps}\n"))
        .stderr("connect error: Connection refused\nunable to connect\n");
    let _srv = server("names-daytimetcpsrv1", &[&ps], port);
    let out = run_client("names-daytimetcpcli2", &["localhost", &ps], b"", "");
    assert_prefix_then_daytime(&out, &format!("trying 127.0.0.1:{ps}\n"));
    // getservbyname takes names only: cli1 and cli3 refuse a number.
    for name in ["names-daytimetcpcli1", "names-daytimetcpcli3"] {
        client(name)
            .args(["127.0.0.1", &ps])
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("getservbyname error for {ps}\n"));
    }
}

#[test]
fn udp_daytime_over_ipv4_and_ipv6() {
    let port = free_port();
    let ps = port.to_string();
    let mut srv = udp_server("daytimeudpsrv2", &["::", &ps], port);
    let out = run_client("daytimeudpcli1", &["::1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "sending to ::1\n");
    let out = run_client("daytimeudpcli1", &["127.0.0.1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "sending to 127.0.0.1\n");
    let out = run_client("daytimeudpcli2", &["127.0.0.1", &ps], b"", "");
    assert_daytime(&out);
    let line = srv.next_line(unp_tests::TIMEOUT).unwrap().unwrap();
    assert!(line.starts_with("datagram from [::1]:"), "{line}");
    let line = srv.next_line(unp_tests::TIMEOUT).unwrap().unwrap();
    assert!(
        line.starts_with("datagram from [::ffff:127.0.0.1]:"),
        "{line}"
    );
}

#[test]
fn only_the_connected_udp_client_hears_that_no_server_runs() {
    let ps = free_port().to_string();
    client("daytimeudpcli2")
        .args(["127.0.0.1", &ps])
        .assert()
        .code(1)
        .stdout("")
        .stderr("read error: Connection refused\n");
    // The unconnected one sent its datagram and waits for a reply forever.
    let mut cli = Proc::spawn("daytimeudpcli1", &["127.0.0.1", &ps]);
    cli.wait_stdout("sending to 127.0.0.1\n");
    wait_until("daytimeudpcli1 asleep in recvfrom", || {
        asleep_in(cli.pid(), &[libc::SYS_recvfrom])
    });
    assert!(cli.is_running());
}

#[test]
fn so_reuseaddr_lets_two_udp_servers_share_a_port_only_if_both_set_it() {
    let port = free_port();
    let ps = port.to_string();
    let _first = udp_server("daytimeudpsrv3", &[&ps], port);
    let _second = udp_server("daytimeudpsrv3", &[&ps], port);
    let out = run_client("daytimeudpcli1", &["127.0.0.1", &ps], b"", "");
    assert_prefix_then_daytime(&out, "sending to 127.0.0.1\n");

    let port = free_port();
    let ps = port.to_string();
    let _plain = udp_server("daytimeudpsrv2", &[&ps], port);
    client("daytimeudpsrv3")
        .arg(&ps)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "udp_server error for (null), {ps}: Address already in use\n"
        ));
}

/// The files of a private name service, bind-mounted over /etc in the
/// namespace: every name a test uses, and nothing from DNS.
struct NameFiles(PathBuf);

impl NameFiles {
    fn new() -> NameFiles {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("names-test-{}-{n}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let files = [
            (
                "hosts",
                "127.0.0.1 localhost\n::1 ip6-localhost\n10.9.8.7 unp-host\nfd00::7 unp-host\n",
            ),
            (
                "services",
                "ftp 21/tcp\ntelnet 23/tcp\ndaytime 13/tcp\ndaytime 13/udp\ntftp 69/udp\n",
            ),
            (
                "networks",
                "loopback 127.0.0.0\nunp-net 10.9.0.0 unp-alias\n",
            ),
            (
                "nsswitch.conf",
                "hosts: files\nnetworks: files\nservices: files\nprotocols: files\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write a name file");
        }
        NameFiles(dir)
    }

    /// `script` in a new network, mount and UTS namespace whose /etc has
    /// these files and whose host name is `unp-host`.
    fn run(&self, script: &str) -> assert_cmd::Command {
        let dir = self.0.display();
        in_netns(&format!(
            "for f in hosts services networks nsswitch.conf; do mount --bind {dir}/$f /etc/$f; done\n\
             export -f wait_port wait_listen wait_udp\n\
             exec unshare --uts bash -c 'hostname unp-host; set -e; {script}'\n"
        ))
    }
}

impl Drop for NameFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn names_resolve_through_etc_hosts_and_etc_services_for_both_families() {
    if skip_unless_root("unshare, mount") {
        return;
    }
    let files = NameFiles::new();
    let out = files
        .run(
            "names-daytimetcpsrv2 :: daytime > /dev/null & wait_listen 13\n\
             names-daytimetcpcli localhost daytime\n\
             names-daytimetcpcli ip6-localhost daytime\n\
             names-daytimetcpcli1 localhost daytime\n\
             names-daytimetcpcli3 ip6-localhost daytime\n",
        )
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 8, "{text}");
    for (i, first) in [
        "connected to 127.0.0.1",
        "connected to ::1",
        "trying 127.0.0.1:13",
        "trying [::1]:13",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(lines[2 * i], format!("{first}\n"), "{text}");
        assert_daytime(lines[2 * i + 1].as_bytes());
    }
}

#[test]
fn hostent_netent_and_my_addrs_read_the_private_files() {
    if skip_unless_root("unshare, mount") {
        return;
    }
    let files = NameFiles::new();
    files
        .run("hostent2 unp-host; netent unp-net loopback; hostent3 unp-host")
        .assert()
        .success()
        .stderr("")
        .stdout(
            "official hostname: unp-host\n\taddress: 10.9.8.7\n\tname = unp-host\n\
             official netname: unp-net\n\talias: unp-alias\n\
             official netname: loopback\n\
             official host name: unp-host\n\tIPv4 address: 10.9.8.7    name = unp-host\n",
        );
    // The failures, with no DNS to wait for.
    files
        .run("hostent nosuch")
        .assert()
        .code(1)
        .stdout("")
        .stderr("gethostbyname error for host: nosuch: Name or service not known\n");
    files
        .run("names-daytimetcpcli nosuch daytime")
        .assert()
        .code(1)
        .stdout("")
        .stderr("tcp_connect error for nosuch, daytime: Name or service not known\n");
    files
        .run("names-daytimetcpcli1 nosuch daytime")
        .assert()
        .code(1)
        .stdout("")
        .stderr("hostname error for nosuch: Name or service not known\n");
    files
        .run("netent nosuch")
        .assert()
        .code(1)
        .stdout("")
        .stderr("getnetbyname error for net: nosuch: Unknown host\n");
    // This host's name (uname, gethostname) has an address of each family.
    for prog in ["prmyaddrs", "prmyaddrs1"] {
        let out = files.run(prog).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{prog}");
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(String::from)
            .collect();
        lines.sort();
        assert_eq!(
            lines,
            ["\taddress: 10.9.8.7", "\taddress: fd00::7"],
            "{prog}"
        );
    }
    files
        .run("hostname nosuch-host; prmyaddrs")
        .assert()
        .code(1)
        .stdout("")
        .stderr("my_addrs error\n");
}
