//! The source route across the test network: A connects to D through the
//! router R, first with Linux's defaults (refused), then with
//! `accept_source_route` on.

use unp_tests::netlab::{Host, Netlab};
use unp_tests::{assert_usage, skip_unless_root, wait_until, Proc, TIMEOUT};

/// The echo client in `a` with `args`, given `input`: its stdout.
fn echo(a: &Host, args: &[&str], input: &str) -> String {
    let mut cli = a.spawn_typed("ipopts-tcpcli01", args);
    cli.write_stdin(input.as_bytes()).expect("stdin");
    cli.close_stdin();
    let status = cli.wait_exit_within(TIMEOUT).expect("the client ends");
    assert!(status.success(), "{status:?}: {}", cli.stderr());
    cli.stdout()
}

/// `Tcp: ... RetransSegs` of the host's `/proc/net/snmp`.
fn retransmitted_segments(host: &Host) -> u64 {
    let snmp = host.sh("cat /proc/net/snmp").expect("snmp");
    let mut tcp = snmp.lines().filter(|l| l.starts_with("Tcp:"));
    let (names, values) = (tcp.next().expect("names"), tcp.next().expect("values"));
    let at = names
        .split_whitespace()
        .position(|n| n == "RetransSegs")
        .expect("RetransSegs");
    values
        .split_whitespace()
        .nth(at)
        .and_then(|v| v.parse().ok())
        .expect("a count")
}

fn accept_source_route(hosts: &[&Host]) {
    for host in hosts {
        host.sh("for f in /proc/sys/net/ipv4/conf/*/accept_source_route; do echo 1 > $f; done")
            .expect("sysctl");
    }
}

#[test]
fn ipopts_source_route_refused_by_default_then_recorded() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, r, d) = (lab.host("A"), lab.host("R"), lab.host("D"));
    let (router, dest) = (r.ipv4().to_string(), d.ipv4().to_string());
    let server = d.server("ipopts-tcpserv01", &[], 9877);

    // Linux's default: the SYN is dropped; connect waits. Once the SYN has
    // been sent again (the first one went unanswered), still no connection.
    let refused: Proc = a.spawn("ipopts-tcpcli01", &["-g", &router, &dest]);
    wait_until("the SYN retransmitted", || retransmitted_segments(a) >= 1);
    assert_ne!(
        a.sh("ss -Htn state syn-sent").unwrap(),
        "",
        "still connecting"
    );
    assert_eq!(server.stdout(), "", "no connection reached the server");
    drop(refused);

    accept_source_route(&[a, r, d]);
    assert_eq!(echo(a, &["-g", &router, &dest], "hello\n"), "hello\n");
    assert_eq!(echo(a, &["-G", &router, &dest], "strict\n"), "strict\n");
    // Without a route, no options.
    assert_eq!(echo(a, &[&dest], "plain\n"), "plain\n");
    wait_until("the three children reaped", || {
        server.stdout().matches(" terminated\n").count() == 3
    });
    let out = server.stdout();
    let printed: Vec<&str> = out.lines().filter(|l| !l.starts_with("child ")).collect();
    assert_eq!(
        printed,
        [
            "received IP options, len = 8",
            "received LSRR: 10.0.2.254 ",
            "received IP options, len = 8",
            "received SSRR: 10.0.2.254 ",
        ]
    );
}

#[test]
fn ipopts_bad_arguments() {
    let usage = "usage: tcpcli01 [ -[gG] <hostname> ... ] <hostname>";
    assert_usage([
        ("ipopts-tcpcli01", &[][..], usage),
        (
            "ipopts-tcpcli01",
            &["-g", "-G", "a"][..],
            "can't use both -g and -G",
        ),
        (
            "ipopts-tcpcli01",
            &["-x", "a"][..],
            "unrecognized option: x",
        ),
        (
            "ipopts-tcpcli01",
            &["a", "b"][..],
            "need -g or -G to specify route",
        ),
        ("ipopts-tcpcli01", &["-g"][..], "missing <hostname>"),
        (
            "ipopts-tcpcli01",
            &["99999"][..],
            "cannot connect to 0.1.134.159: not a destination address",
        ),
        (
            "ipopts-tcpserv01",
            &["1", "2"][..],
            "usage: tcpserv01 [port]",
        ),
    ]);
}
