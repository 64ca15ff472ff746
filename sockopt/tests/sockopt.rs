//! Chapter 7: every program's output against what the kernel reports
//! through socket2 and `getsockopt`, Linux's doubling of the buffer sizes,
//! the MSS that only the handshake fixes, and the book's port 13 in a
//! private network namespace.

use std::net::TcpListener;
use std::process::Command;

use socket2::{Domain, Socket, Type};
use sockopt::getsockopt_int;
use unp_tests::{
    assert_dies_of_sigpipe, assert_usage, client, free_port, run_client, skip_unless_root,
};

fn stdout_of(name: &str, args: &[&str]) -> String {
    String::from_utf8(run_client(name, args, b"", "")).unwrap()
}

fn on_off(flag: bool) -> &'static str {
    if flag {
        "on"
    } else {
        "off"
    }
}

/// What `checkopts` should print, computed from fresh sockets with
/// socket2's accessors (and `getsockopt` for the few socket2 lacks).
fn expected_checkopts() -> String {
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let tcp6 = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    let int = |s: &Socket, level, name| getsockopt_int(s, level, name).unwrap();
    let linger = match tcp.linger().unwrap() {
        None => "l_onoff = 0, l_linger = 0".to_string(),
        Some(d) => format!("l_onoff = 1, l_linger = {}", d.as_secs()),
    };
    let timeout = |t: Option<std::time::Duration>| {
        let t = t.unwrap_or_default();
        format!("{} sec, {} usec", t.as_secs(), t.subsec_micros())
    };
    let sol = libc::SOL_SOCKET;
    let rows: Vec<(&str, String)> = vec![
        ("SO_BROADCAST", on_off(tcp.broadcast().unwrap()).into()),
        (
            "SO_DEBUG",
            on_off(int(&tcp, sol, libc::SO_DEBUG) != 0).into(),
        ),
        (
            "SO_DONTROUTE",
            on_off(int(&tcp, sol, libc::SO_DONTROUTE) != 0).into(),
        ),
        (
            "SO_ERROR",
            format!(
                "{}",
                tcp.take_error()
                    .unwrap()
                    .map_or(0, |e| e.raw_os_error().unwrap())
            ),
        ),
        ("SO_KEEPALIVE", on_off(tcp.keepalive().unwrap()).into()),
        ("SO_LINGER", linger),
        (
            "SO_OOBINLINE",
            on_off(tcp.out_of_band_inline().unwrap()).into(),
        ),
        ("SO_RCVBUF", tcp.recv_buffer_size().unwrap().to_string()),
        ("SO_SNDBUF", tcp.send_buffer_size().unwrap().to_string()),
        ("SO_RCVLOWAT", int(&tcp, sol, libc::SO_RCVLOWAT).to_string()),
        ("SO_SNDLOWAT", int(&tcp, sol, libc::SO_SNDLOWAT).to_string()),
        ("SO_RCVTIMEO", timeout(tcp.read_timeout().unwrap())),
        ("SO_SNDTIMEO", timeout(tcp.write_timeout().unwrap())),
        ("SO_REUSEADDR", on_off(tcp.reuse_address().unwrap()).into()),
        ("SO_REUSEPORT", on_off(tcp.reuse_port().unwrap()).into()),
        ("SO_TYPE", libc::SOCK_STREAM.to_string()),
        ("IP_TOS", tcp.tos_v4().unwrap().to_string()),
        ("IP_TTL", tcp.ttl_v4().unwrap().to_string()),
        (
            "IPV6_DONTFRAG",
            on_off(int(&tcp6, libc::IPPROTO_IPV6, libc::IPV6_DONTFRAG) != 0).into(),
        ),
        (
            "IPV6_UNICAST_HOPS",
            tcp6.unicast_hops_v6().unwrap().to_string(),
        ),
        ("IPV6_V6ONLY", on_off(tcp6.only_v6().unwrap()).into()),
        ("TCP_MAXSEG", tcp.tcp_mss().unwrap().to_string()),
        ("TCP_NODELAY", on_off(tcp.tcp_nodelay().unwrap()).into()),
    ];
    let mut out = String::new();
    for (name, value) in rows {
        out += &format!("{name}: default = {value}\n");
        if name == "SO_TYPE" {
            out += "SO_USELOOPBACK: (undefined)\n";
        }
    }
    for name in [
        "SCTP_AUTOCLOSE",
        "SCTP_MAXBURST",
        "SCTP_MAXSEG",
        "SCTP_NODELAY",
    ] {
        out += &format!("{name}: (undefined)\n");
    }
    out
}

#[test]
fn checkopts_prints_each_options_default_as_the_kernel_reports_it() {
    let out = stdout_of("checkopts", &[]);
    assert_eq!(out, expected_checkopts());
    // The defaults the chapter discusses, as Linux has them.
    for line in [
        "SO_LINGER: default = l_onoff = 0, l_linger = 0\n",
        "SO_TYPE: default = 1\n",
        "SO_RCVLOWAT: default = 1\n",
        "TCP_MAXSEG: default = 536\n",
        "TCP_NODELAY: default = off\n",
    ] {
        assert!(out.contains(line), "{line:?} missing from {out}");
    }
}

#[test]
fn prdefaults_prints_the_tcp_and_udp_buffers_and_low_water_marks() {
    let mut expected = String::new();
    for (name, ty) in [("tcp", Type::STREAM), ("udp", Type::DGRAM)] {
        let sock = Socket::new(Domain::IPV4, ty, None).unwrap();
        let lowat = |opt| getsockopt_int(&sock, libc::SOL_SOCKET, opt).unwrap();
        expected += &format!(
            "{name} send buffer size = {}\n{name} recv buffer size = {}\n\
             {name} send low-water mark = {}\n{name} receive low-water mark size = {}\n",
            sock.send_buffer_size().unwrap(),
            sock.recv_buffer_size().unwrap(),
            lowat(libc::SO_SNDLOWAT),
            lowat(libc::SO_RCVLOWAT),
        );
    }
    assert_eq!(stdout_of("prdefaults", &[]), expected);
}

/// Where Linux's defaults come from: a new TCP socket's buffers are the
/// middle values of `net.ipv4.tcp_rmem` and `tcp_wmem`, a UDP socket's are
/// `net.core.rmem_default` and `wmem_default`.
#[test]
fn prdefaults_shows_the_sysctl_defaults() {
    let sysctl = |name: &str, field: usize| -> String {
        let text = std::fs::read_to_string(format!("/proc/sys/net/{name}")).unwrap();
        text.split_whitespace().nth(field).unwrap().to_owned()
    };
    let out = stdout_of("prdefaults", &[]);
    for line in [
        format!("tcp send buffer size = {}", sysctl("ipv4/tcp_wmem", 1)),
        format!("tcp recv buffer size = {}", sysctl("ipv4/tcp_rmem", 1)),
        format!("udp send buffer size = {}", sysctl("core/wmem_default", 0)),
        format!("udp recv buffer size = {}", sysctl("core/rmem_default", 0)),
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in {out}");
    }
}

/// Linux doubles the size asked for: 65536 reads back as 131072.
#[test]
fn sockopt_prints_the_mss_and_the_doubled_send_buffer() {
    assert_eq!(
        stdout_of("sockopt", &[]),
        "TCP mss = 536\nsend buffer size = 131072\n"
    );
}

/// The two lines `rcvbuf` and `rcvbufset` print about the connected
/// socket, and the receive buffer and MSS they show.
fn after_connect(line: &str) -> (u32, u32) {
    let rest = line
        .strip_prefix("after connect: SO_RCVBUF = ")
        .unwrap_or_else(|| panic!("bad line {line:?}"));
    let (rcvbuf, mss) = rest.split_once(", MSS = ").unwrap();
    (rcvbuf.parse().unwrap(), mss.parse().unwrap())
}

fn defaults_line() -> String {
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    format!(
        "defaults: SO_RCVBUF = {}, MSS = 536",
        sock.recv_buffer_size().unwrap()
    )
}

/// The MSS is 536 until the handshake sets it; over loopback it then
/// becomes the loopback path's, far larger.
#[test]
fn rcvbuf_shows_the_mss_set_by_the_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let out = stdout_of("rcvbuf", &["127.0.0.1", &port]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], defaults_line());
    let (_, mss) = after_connect(lines[1]);
    assert!(mss > 536, "MSS after connect over loopback: {mss}");
}

/// Linux doubles the value set: 9973 reads back as 19946, before and after
/// the connection.
#[test]
fn rcvbufset_shows_linux_doubling_the_receive_buffer() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let out = stdout_of("rcvbufset", &["127.0.0.1", &port]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], defaults_line());
    assert_eq!(lines[1], "SO_RCVBUF = 19946 (after setting it to 9973)");
    let (rcvbuf, mss) = after_connect(lines[2]);
    assert_eq!(rcvbuf, 19946);
    assert!(mss > 536, "MSS after connect over loopback: {mss}");
}

/// Run `f` on a thread of its own in a new network namespace whose loopback
/// is up, where the book's port 13 is free; the programs it starts inherit
/// the namespace. Needs root, as CI has.
fn in_private_netns<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
                    .expect("unshare(CLONE_NEWNET) needs root");
                let up = Command::new("ip")
                    .args(["link", "set", "lo", "up"])
                    .status();
                assert!(up.expect("ip(8)").success());
                f()
            })
            .join()
            .unwrap()
    })
}

/// The book's command lines, `rcvbuf 127.0.0.1` and `rcvbufset 127.0.0.1`,
/// against a listener on the daytime port 13.
#[test]
fn the_books_command_lines_use_the_daytime_port() {
    if skip_unless_root("unshare") {
        return;
    }
    in_private_netns(|| {
        let _daytime = TcpListener::bind("127.0.0.1:13").unwrap();
        for name in ["rcvbuf", "rcvbufset"] {
            let out = stdout_of(name, &["127.0.0.1"]);
            assert!(
                out.lines().last().unwrap().starts_with("after connect: "),
                "{out}"
            );
        }
    });
}

#[test]
fn a_closed_port_is_connection_refused_after_the_defaults() {
    let port = free_port().to_string();
    client("rcvbuf")
        .args(["127.0.0.1", &port])
        .assert()
        .code(1)
        .stdout(defaults_line() + "\n")
        .stderr("connect error: Connection refused\n");
}

/// `prdefaults | head -c 0`: dies of SIGPIPE at its first line, as the C.
#[test]
fn they_die_of_sigpipe_when_nobody_reads_stdout() {
    for name in ["checkopts", "prdefaults", "sockopt"] {
        assert_dies_of_sigpipe(name, &[], b"");
    }
}

#[test]
fn bad_arguments_print_the_usage_line() {
    assert_usage([
        ("rcvbuf", &[][..], "usage: rcvbuf <IPaddress> [port]"),
        (
            "rcvbuf",
            &["127.0.0.1", "13", "x"],
            "usage: rcvbuf <IPaddress> [port]",
        ),
        (
            "rcvbufset",
            &["127.0.0.1", "port"],
            "usage: rcvbufset <IPaddress> [port]",
        ),
        ("rcvbuf", &["foo"], "inet_pton error for foo"),
        ("rcvbufset", &[""], "inet_pton error for "),
        ("checkopts", &["x"], "usage: checkopts"),
        ("prdefaults", &["x"], "usage: prdefaults"),
        ("sockopt", &["x"], "usage: sockopt"),
    ]);
}
