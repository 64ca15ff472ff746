//! icmpd and its client on the test network: the ICMP errors an
//! unconnected UDP socket never sees, delivered through the daemon.

use std::io::{Read, Write};
use std::net::UdpSocket;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use unp_tests::netlab::{Host, Netlab};
use unp_tests::{assert_usage, skip_unless_root, wait_until, Proc, TIMEOUT};

/// A pathname of its own for each daemon (tests run in parallel).
fn icmpd_path() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("icmpd-test-{}-{n}", std::process::id()))
}

/// The daemon in `host`, once it listens on `path`.
struct Daemon {
    proc: Proc,
    path: PathBuf,
}

impl Daemon {
    fn start(host: &Host) -> Daemon {
        let path = icmpd_path();
        let shown = path
            .to_str()
            .expect("a UTF-8 temporary directory")
            .to_owned();
        let proc = host.spawn("icmpd", &[&shown]);
        // Listening (flags __SO_ACCEPTCON, a stream socket, unconnected) in
        // the host's namespace, where its Unix domain sockets are listed.
        let listening = format!("grep -q ' 00010000 0001 01 [0-9]* {shown}$' /proc/net/unix");
        wait_until("icmpd to listen", || host.sh(&listening).is_ok());
        Daemon { proc, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("UTF-8")
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Run the client in `host` with `input` until it ends: its stdout.
fn client(host: &Host, dest: &str, service: &str, path: &str, input: &str) -> String {
    let mut cli = host.spawn_typed("icmpd-udpcli01", &[dest, service, path]);
    cli.write_stdin(input.as_bytes()).expect("stdin");
    cli.close_stdin();
    let status = cli.wait_exit_within(TIMEOUT).expect("the client ends");
    assert!(status.success(), "{status:?}: {}", cli.stderr());
    assert_eq!(cli.stderr(), "");
    cli.stdout()
}

/// No one on D's port 7: D answers "port unreachable", which only the
/// daemon's raw socket sees, and passes on: `Connection refused`. Towards a
/// network the router has no route to, the router's "network unreachable"
/// (ICMPv6: "no route") becomes `No route to host`.
#[test]
fn icmpd_delivers_each_icmp_error_to_the_udp_client() {
    if skip_unless_root("network namespaces, raw sockets") {
        return;
    }
    let lab = Netlab::start();
    let (a, d) = (lab.host("A"), lab.host("D"));
    let daemon = Daemon::start(a);
    let d4 = d.ipv4().to_string();
    let d6 = d.ipv6().to_string();
    for (dest, expected) in [
        (
            d4.as_str(),
            format!("dest = {d4}:7, Connection refused, type = 3, code = 3"),
        ),
        (
            "10.9.9.9",
            "dest = 10.9.9.9:7, No route to host, type = 3, code = 0".into(),
        ),
        (
            d6.as_str(),
            format!("dest = [{d6}]:7, Connection refused, type = 1, code = 4"),
        ),
        (
            "fd00:9::9",
            "dest = [fd00:9::9]:7, No route to host, type = 1, code = 0".into(),
        ),
    ] {
        assert_eq!(
            client(a, dest, "7", daemon.path(), "hello\n"),
            format!("ICMP error: {expected}\n")
        );
    }
    // The daemon's log of the first error: the message, then the datagram
    // it quotes (20 + 8 + 20 + 8 + 6 bytes).
    let log = daemon.proc.wait_stdout("\tsrcip = ");
    let a4 = a.ipv4();
    assert!(
        log.contains(&format!(
            "62 bytes ICMPv4 from {d4}: type = 3, code = 3\n\tsrcip = {a4}, dstip = {d4}, proto = 17\n"
        )),
        "{log}"
    );
    assert!(log.starts_with("new connection, i = 0, connfd = "), "{log}");
    wait_until("the clients' ends logged", || {
        daemon
            .proc
            .stderr()
            .matches("client 0 terminated, recvfd = -1\n")
            .count()
            == 4
    });
}

/// With a server on the port, the reply is printed as by any echo client.
#[test]
fn icmpd_client_prints_replies() {
    if skip_unless_root("network namespaces, raw sockets") {
        return;
    }
    let lab = Netlab::start();
    let (a, d) = (lab.host("A"), lab.host("D"));
    let daemon = Daemon::start(a);
    let echo = d.within(|| UdpSocket::bind("0.0.0.0:7").expect("bind 7 in D"));
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 100];
        let (n, from) = echo.recv_from(&mut buf).expect("a request");
        echo.send_to(&buf[..n], from).expect("the echo");
    });
    let dest = d.ipv4().to_string();
    assert_eq!(
        client(a, &dest, "7", daemon.path(), "hi there\n"),
        "hi there\n"
    );
    server.join().unwrap();
}

/// A client that sends no descriptor gets `0` and is closed, and the
/// daemon goes on serving the others.
#[test]
fn icmpd_refuses_a_client_without_descriptor_and_goes_on() {
    if skip_unless_root("network namespaces, raw sockets") {
        return;
    }
    let lab = Netlab::start();
    let a = lab.host("A");
    let daemon = Daemon::start(a);

    let mut plain = UnixStream::connect(daemon.path()).expect("connect to icmpd");
    plain.write_all(b"1").unwrap();
    let mut answer = Vec::new();
    plain.read_to_end(&mut answer).unwrap();
    assert_eq!(answer, b"0");
    wait_until("the refusal logged", || {
        daemon.proc.stderr() == "read_fd did not return descriptor\n"
    });

    // Still serving.
    let d4 = lab.host("D").ipv4().to_string();
    assert_eq!(
        client(a, &d4, "7", daemon.path(), "again\n"),
        format!("ICMP error: dest = {d4}:7, Connection refused, type = 3, code = 3\n")
    );
}

#[test]
fn icmpd_bad_arguments() {
    let cli = "usage: udpcli01 <hostname> <service> [pathname]";
    assert_usage([
        ("icmpd", &["relative/path"][..], "usage: icmpd [pathname]"),
        ("icmpd", &["/a", "/b"][..], "usage: icmpd [pathname]"),
        ("icmpd-udpcli01", &[][..], cli),
        ("icmpd-udpcli01", &["127.0.0.1"][..], cli),
        ("icmpd-udpcli01", &["a", "b", "c", "d"][..], cli),
    ]);
}
