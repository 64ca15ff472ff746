//! Chapter 14 (and 22's servers): every program against a real peer on
//! loopback, and each lesson shown by real processes.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};

use socket2::{Domain, Socket, Type};
use std::process::Command;

use unp_tests::{
    asleep_in, assert_udp_echoes, assert_usage, bin, children_of, client, free_port, in_netns,
    run_client, server, skip_unless_root, socket_queues, tcp_memory, udp_server, udp_socket,
    wait_until, Proc,
};

/// A UDP peer that answers `replies` datagrams with `answer(request)` and
/// returns the requests it got; `None` drops that request unanswered.
fn udp_peer(
    replies: usize,
    answer: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + 'static,
) -> (u16, JoinHandle<Vec<Vec<u8>>>) {
    let sock = udp_socket();
    let port = sock.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let mut requests = Vec::new();
        let mut buf = vec![0u8; 65536];
        while requests.len() < replies {
            let (n, from) = sock.recv_from(&mut buf).expect("a request");
            if let Some(reply) = answer(&buf[..n]) {
                sock.send_to(&reply, from).expect("send_to");
            }
            requests.push(buf[..n].to_vec());
        }
        requests
    });
    (port, peer)
}

// ---- the three timeouts (§14.2) ------------------------------------------------

/// The first line's datagram is dropped: the client waits its 5 seconds,
/// prints `socket timeout`, and the second line is answered.
fn times_out_and_carries_on(name: &str) {
    let (port, peer) = udp_peer(2, |req| (req != b"lost\n").then(|| req.to_vec()));
    let out = run_client(
        name,
        &["127.0.0.1", &port.to_string()],
        b"lost\nanswered\n",
        "socket timeout\n",
    );
    assert_eq!(out, b"answered\n");
    assert_eq!(peer.join().unwrap(), [&b"lost\n"[..], b"answered\n"]);
}

#[test]
fn udpcli01_times_out_with_select_style_readable_timeo() {
    times_out_and_carries_on("advio-udpcli01");
}

#[test]
fn udpcli02_times_out_with_so_rcvtimeo() {
    times_out_and_carries_on("advio-udpcli02");
}

#[test]
fn udpcli03_times_out_when_sigalrm_interrupts_recvfrom() {
    times_out_and_carries_on("advio-udpcli03");
}

#[test]
fn timeout_clients_pass_binary_lines_through_unchanged() {
    let mut input: Vec<u8> = (0..=255u8).filter(|&b| b != b'\n').collect();
    input.extend_from_slice(b"\nno newline at the end");
    for name in ["advio-udpcli01", "advio-udpcli02", "advio-udpcli03"] {
        let (port, peer) = udp_peer(2, |req| Some(req.to_vec()));
        let out = client(name)
            .args(["127.0.0.1", &port.to_string()])
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!((out.stdout, out.stderr), (input.clone(), vec![]), "{name}");
        peer.join().unwrap();
    }
}

// ---- recvmsg and IP_PKTINFO (§22.2) ---------------------------------------------

#[test]
fn udpserv01_prints_destination_interface_and_truncation() {
    let port = free_port();
    let server = udp_server("advio-udpserv01", &[&port.to_string()], port);
    let sock = udp_socket();
    let from = sock.local_addr().unwrap();
    let mut reply = [0u8; 100];
    for (sent, want) in [
        (&b"hello\n"[..], &b"hello\n"[..]),
        (b"a datagram of 30 bytes, cut!\n\n", b"a datagram of 30 byt"),
    ] {
        sock.send_to(sent, ("127.0.0.1", port)).unwrap();
        let n = sock.recv(&mut reply).unwrap();
        assert_eq!(&reply[..n], want);
    }
    assert_eq!(
        server.wait_stdout("(datagram truncated)\n"),
        format!(
            "6-byte datagram from {from}, to 127.0.0.1, recv i/f = lo\n\
             20-byte datagram from {from}, to 127.0.0.1, recv i/f = lo (datagram truncated)\n"
        )
    );
    assert_udp_echoes(port, 20);
}

#[test]
fn timeout_clients_and_udpserv01_echo_short_lines() {
    let port = free_port();
    let _server = udp_server("advio-udpserv01", &[&port.to_string()], port);
    for name in ["advio-udpcli01", "advio-udpcli02", "advio-udpcli03"] {
        let out = run_client(name, &["127.0.0.1", &port.to_string()], b"one\ntwo\n", "");
        assert_eq!(out, b"one\ntwo\n", "{name}");
    }
}

// ---- one socket per interface address (§22.6) -----------------------------------

/// The lines of `text` with the number after `child ` and the port of the
/// `from` address masked as `N` and `P`: they change from run to run.
fn mask_children(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("child ") {
            Some(rest) => {
                let (_, rest) = rest.split_once(", datagram from ").expect("child line");
                let (from, to) = rest.split_once(", to ").expect("child line");
                let (host, _) = from.rsplit_once(':').expect("from address");
                format!("child N, datagram from {host}:P, to {to}\n")
            }
            None => format!("{line}\n"),
        })
        .collect()
}

#[test]
fn udpserv03_binds_each_address_and_the_wildcard_gets_the_rest() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "udpserv03
         echo to-lo | advio-udpcli01 127.0.0.1 9877
         echo to-wildcard | advio-udpcli01 127.0.0.2 9877",
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        mask_children(&String::from_utf8_lossy(&out.stdout)),
        "bound 127.0.0.1:9877\n\
         bound 0.0.0.0:9877\n\
         child N, datagram from 127.0.0.1:P, to 127.0.0.1:9877\n\
         to-lo\n\
         child N, datagram from 127.0.0.1:P, to 0.0.0.0:9877\n\
         to-wildcard\n"
    );
}

#[test]
fn udpserv04_does_the_same_in_ipv6_with_a_service_name() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "udpserv04 ::1 echo
         daytimeudpcli3 ::1 echo; echo
         echo 'v4 to [::]' | advio-udpcli02 127.0.0.1",
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        mask_children(&String::from_utf8_lossy(&out.stdout)),
        "bound [::1]:7\n\
         bound [::]:7\n\
         sending to ::1\n\
         child N, datagram from [::1]:P, to [::1]:7\n\
         1 bytes from PEEK, 1 bytes pending\n\
         \0\n\
         child N, datagram from [::ffff:127.0.0.1]:P, to [::]:7\n\
         v4 to [::]\n"
    );
}

#[test]
fn udpserv03_and_udpserv04_echo_binary_datagrams_cut_to_maxline() {
    for (name, args) in [("udpserv03", vec![]), ("udpserv04", vec!["127.0.0.1"])] {
        let port = free_port().to_string();
        let mut args = args;
        args.push(&port);
        let mut parent = Proc::spawn(name, &args);
        assert!(parent.wait_exit().success(), "{name}: {}", parent.stderr());
        let out = parent.wait_stdout(&format!("bound 0.0.0.0:{port}\n"));
        assert!(out.contains(&format!("bound 127.0.0.1:{port}\n")), "{out}");
        assert!(out.ends_with(&format!("bound 0.0.0.0:{port}\n")), "{out}");
        // The children, in the parent's process group, serve on.
        assert_udp_echoes(port.parse().unwrap(), unp::MAXLINE);
    }
}

// ---- connect_timeo (Figure 14.1) ------------------------------------------------

/// A TCP echo peer for one connection.
fn tcp_echo_peer() -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut reader = conn.try_clone().unwrap();
        std::io::copy(&mut reader, &mut conn).unwrap();
    });
    (port, peer)
}

#[test]
fn tcpcli01_connects_within_its_timeout_and_echoes() {
    let (port, peer) = tcp_echo_peer();
    let out = run_client(
        "advio-tcpcli01",
        &["127.0.0.1", &port.to_string()],
        b"one\ntwo\n",
        "",
    );
    assert_eq!(out, b"one\ntwo\n");
    peer.join().unwrap();
}

#[test]
fn tcpcli01_gives_up_after_10_seconds_when_the_syn_goes_unanswered() {
    // A listener whose accept queue (backlog 0) is full drops new SYNs, so
    // the next handshake never completes: only the alarm ends the connect.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let _queued = TcpStream::connect(addr).unwrap();
    client("advio-tcpcli01")
        .args(["127.0.0.1", &addr.port().to_string()])
        .write_stdin("hello\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr("connect_timeo error: Connection timed out\n");
}

#[test]
fn tcpcli01_reports_a_refused_connect() {
    client("advio-tcpcli01")
        .args(["127.0.0.1", &free_port().to_string()])
        .assert()
        .code(1)
        .stderr("connect_timeo error: Connection refused\n");
}

// ---- the stdio pitfall (§14.8) --------------------------------------------------

fn tcpserv02() -> (Proc, u16) {
    let port = free_port();
    (server("advio-tcpserv02", &[&port.to_string()], port), port)
}

/// Whether the child serving `conn` holds back its replies: it has read
/// all that was sent and sleeps in read(2) again, with nothing it wrote in
/// flight or arrived. Once it sleeps so, nothing more happens until the
/// client sends.
fn replies_held(conn: &TcpStream, server: &Proc) -> bool {
    let (local, peer) = (conn.local_addr().unwrap(), conn.peer_addr().unwrap());
    let mut child = None;
    wait_until("the child to read all and wait for more", || {
        child = children_of(server.pid()).first().map(|&(pid, _)| pid);
        child.is_some_and(|pid| {
            tcp_memory(peer, local).is_some_and(|mem| mem.unread == 0)
                && asleep_in(pid, &[libc::SYS_read, libc::SYS_recvfrom])
        })
    });
    tcp_memory(peer, local).is_some_and(|mem| mem.unacked == 0) && socket_queues(conn).0 == 0
}

#[test]
fn tcpserv02_holds_replies_until_its_buffer_fills_or_the_child_exits() {
    let (server, port) = tcpserv02();
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let line = b"a line of 32 bytes to be echoed\n";

    conn.write_all(line).unwrap();
    assert!(replies_held(&conn, &server), "echoed a line at once");

    // 128 lines fill the 4096-byte buffer; the 129th pushes it out.
    for _ in 1..129 {
        conn.write_all(line).unwrap();
    }
    let mut first = vec![0u8; 4096];
    conn.read_exact(&mut first).unwrap();
    assert_eq!(first, line.repeat(128));
    assert!(replies_held(&conn, &server), "the 129th line came early");

    // The half-close ends the child's fgets loop: it exits and flushes.
    conn.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, line);
    let out = server.wait_stdout(" terminated\n");
    assert!(
        out.starts_with("child ") && out.ends_with(" terminated\n"),
        "{out}"
    );
}

#[test]
fn tcpcli02_gets_every_held_reply_after_its_half_close() {
    let (_server, port) = tcpserv02();
    let input: String = (0..200).map(|i| format!("line {i}\n")).collect();
    let out = run_client(
        "advio-tcpcli02",
        &["127.0.0.1", &port.to_string()],
        input.as_bytes(),
        "",
    );
    assert_eq!(out, input.as_bytes());
}

#[test]
fn tcpcli02_reports_a_server_that_closes_first() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    // stdin a pipe that stays open and silent, so the FIN comes before the
    // end of input; the shell execs the client, which the harness watches.
    let mut cli = Proc::spawn_cmd(
        Command::new("bash")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" < <(sleep 60)")
            .arg(bin("advio-tcpcli02"))
            .args(["127.0.0.1", &port]),
    );
    drop(listener.accept().unwrap());
    assert_eq!(cli.wait_exit().code(), Some(1));
    wait_until("its message", || cli.stderr().ends_with('\n'));
    assert_eq!(cli.stderr(), "str_cli: server terminated prematurely\n");
}

// ---- MSG_PEEK and FIONREAD (§14.7) ----------------------------------------------

const DAYTIME: &str = "Thu Nov 26 21:56:32 2026\r\n";

#[test]
fn daytimetcpcli_peeks_then_reads() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(DAYTIME.as_bytes()).unwrap();
    });
    let out = run_client(
        "advio-daytimetcpcli",
        &["127.0.0.1", &port.to_string()],
        b"",
        "",
    );
    assert_eq!(
        out,
        format!("connected to 127.0.0.1\n26 bytes from PEEK, 26 bytes pending\n{DAYTIME}")
            .as_bytes()
    );
    peer.join().unwrap();
}

#[test]
fn daytimeudpcli3_and_4_peek_at_the_datagram_then_read_it() {
    for (name, first) in [
        ("daytimeudpcli3", "sending to"),
        ("daytimeudpcli4", "connected to"),
    ] {
        let (port, peer) = udp_peer(1, |_| Some(DAYTIME.as_bytes().to_vec()));
        let out = run_client(name, &["127.0.0.1", &port.to_string()], b"", "");
        assert_eq!(
            out,
            format!("{first} 127.0.0.1\n26 bytes from PEEK, 26 bytes pending\n{DAYTIME}")
                .as_bytes()
        );
        assert_eq!(peer.join().unwrap(), [[0u8]], "{name}: a 1-byte request");
    }
}

// ---- the book's ports, and wrong arguments --------------------------------------

#[test]
fn the_book_ports_in_a_private_network_namespace() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "udpserv04 127.0.0.1 echo >/dev/null
         echo one | advio-udpcli01 127.0.0.1
         echo two | advio-udpcli02 127.0.0.1
         echo three | advio-udpcli03 127.0.0.1
         advio-tcpserv02 & wait_listen 9877
         echo four | advio-tcpcli02 127.0.0.1",
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let out = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("child ")).collect();
    assert_eq!(lines, ["one", "two", "three", "four"], "{out}");
}

#[test]
fn wrong_arguments_print_the_usage_line() {
    for (name, usage) in [
        ("advio-tcpcli01", "usage: tcpcli <IPaddress> [port]"),
        ("advio-tcpcli02", "usage: tcpcli <IPaddress> [port]"),
        ("advio-udpcli01", "usage: udpcli <IPaddress> [port]"),
        ("advio-udpcli02", "usage: udpcli <IPaddress> [port]"),
        ("advio-udpcli03", "usage: udpcli <IPaddress> [port]"),
    ] {
        assert_usage([
            (name, &[][..], usage),
            (name, &["127.0.0.1", "x"], usage),
            (name, &["127.0.0.256"], "inet_pton error for 127.0.0.256"),
        ]);
    }
    let peer_usage = "usage: a.out <hostname or IPaddress> <service or port#>";
    let unknown = "127.0.0.1, no-such-service: Servname not supported for ai_socktype";
    assert_usage([
        ("advio-daytimetcpcli", &["127.0.0.1"][..], peer_usage),
        ("daytimeudpcli3", &["127.0.0.1"], peer_usage),
        ("daytimeudpcli4", &["127.0.0.1"], peer_usage),
        (
            "daytimeudpcli3",
            &["127.0.0.1", "no-such-service"],
            &format!("udp_client error for {unknown}"),
        ),
        (
            "daytimeudpcli4",
            &["127.0.0.1", "no-such-service"],
            &format!("udp_connect error for {unknown}"),
        ),
        (
            "udpserv04",
            &[],
            "usage: udpserv04 [ <host> ] <service or port>",
        ),
        ("advio-tcpserv02", &["1", "2"], "usage: tcpserv02 [port]"),
        ("advio-udpserv01", &["1", "2"], "usage: udpserv01 [port]"),
        ("udpserv03", &["1", "2"], "usage: udpserv03 [port]"),
    ]);
}
