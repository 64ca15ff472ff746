//! Chapter 8: every UDP client against a real server on loopback, and each
//! lesson of the chapter shown by real processes.

use std::net::TcpStream;
use std::process::Command;

use nix::sys::signal::Signal;
use unp_tests::conformance::{self, EchoServer};
use unp_tests::{
    asleep_in, assert_udp_echoes, assert_usage, bin, blocked_in, client, connect, exchange,
    free_port, in_netns, run_client, skip_unless_root, udp_server, udp_socket, wait_until, Proc,
};

/// `text` is `prefix`, a decimal number, then `suffix`; returns the number.
fn number_between(text: &str, prefix: &str, suffix: &str) -> u64 {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text:?} is not {prefix:?}N{suffix:?}"))
}

/// Bytes waiting in the receive queue of the UDP socket bound to `port`
/// (the `rx_queue` column of /proc/net/udp).
fn udp_rx_queue(port: u16) -> Option<u64> {
    let local = format!(":{port:04X}");
    std::fs::read_to_string("/proc/net/udp")
        .ok()?
        .lines()
        .skip(1)
        .find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let queues = fields.get(4)?.split_once(':')?;
            (fields.get(1)?.ends_with(&local)).then(|| u64::from_str_radix(queues.1, 16).ok())?
        })
}

fn udpserv01() -> (Proc, u16, String) {
    let port = free_port();
    let arg = port.to_string();
    (udp_server("udpserv01", &[&arg], port), port, arg)
}

#[test]
fn udpcli01_and_udpserv01_echo_lines() {
    let (mut server, _, port) = udpserv01();
    let out = run_client("udpcli01", &["127.0.0.1", &port], b"hello\n\nworld\n", "");
    assert_eq!(out, b"hello\n\nworld\n");
    assert!(server.is_running());
}

#[test]
fn udpserv01_echoes_binary_datagrams_and_cuts_long_ones_to_maxline() {
    let (mut server, port, _) = udpserv01();
    assert_udp_echoes(port, unp::MAXLINE);
    assert!(server.is_running());
}

#[test]
fn every_echo_client_passes_binary_lines_through_unchanged() {
    let (_server, _, port) = udpserv01();
    let mut line: Vec<u8> = (0..=255u8).filter(|&b| b != b'\n').collect();
    line.extend_from_slice(b"\nno newline at the end");
    for name in ["udpcli01", "udpcli02", "udpcli04"] {
        assert_eq!(
            run_client(name, &["127.0.0.1", &port], &line, ""),
            line,
            "{name}"
        );
    }
    let out = run_client("udpcli05", &["127.0.0.1", &port], &line, "");
    let newline = out.iter().position(|&b| b == b'\n').expect("a first line");
    assert_eq!(&out[newline + 1..], line);
}

/// Starts `name args` with `input` on stdin; the program itself is the
/// process the harness watches (the shell execs it).
fn spawn_with_stdin(name: &str, args: &[&str], input: &str) -> Proc {
    let script = format!("exec \"$0\" \"$@\" <<'END'\n{input}END\n");
    Proc::spawn_cmd(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(bin(name))
            .args(args),
    )
}

#[test]
fn udpcli01_hangs_when_no_server_runs_while_udpcli04_gets_connection_refused() {
    let port = free_port().to_string();

    let unconnected = spawn_with_stdin("udpcli01", &["127.0.0.1", &port], "hello\n");
    let pid = unconnected.pid();
    wait_until("udpcli01 to send and wait in recvfrom", || {
        blocked_in(pid) == Some(libc::SYS_recvfrom)
    });
    // The ICMP port unreachable comes back over loopback within the sendto
    // that caused it. A connected socket of the test's own, sending to the
    // same port after udpcli01 did, gets its ECONNREFUSED: the ICMP for
    // udpcli01's datagram came before; yet the unconnected socket has not
    // heard of it, and sleeps on in recvfrom.
    let witness = udp_socket();
    witness
        .connect(("127.0.0.1", port.parse().unwrap()))
        .unwrap();
    witness.send(b"hello\n").unwrap();
    let refused = witness.recv(&mut [0u8; 16]).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(
        asleep_in(pid, &[libc::SYS_recvfrom]),
        "udpcli01 left recvfrom: {}",
        unconnected.stderr()
    );
    assert_eq!(unconnected.stdout() + &unconnected.stderr(), "");
    drop(unconnected);

    client("udpcli04")
        .args(["127.0.0.1", &port])
        .write_stdin("hello\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr("read error: Connection refused\n");
}

#[test]
fn udpcli02_ignores_a_reply_from_another_address_of_the_server_host() {
    let (_server, _, port) = udpserv01();
    // Sent to 127.0.0.2, the wildcard-bound server answers from 127.0.0.1.
    let out = run_client("udpcli02", &["127.0.0.2", &port], b"hello\nworld\n", "");
    let ignored = format!("reply from 127.0.0.1:{port} (ignored)\n");
    assert_eq!(String::from_utf8_lossy(&out), ignored.repeat(2));
    let out = run_client("udpcli02", &["127.0.0.1", &port], b"hello\n", "");
    assert_eq!(out, b"hello\n");
}

#[test]
fn udpcli03_prints_the_address_each_reply_came_from() {
    let (_server, _, port) = udpserv01();
    let out = run_client("udpcli03", &["127.0.0.2", &port], b"hello\nworld\n", "");
    let from = format!("received reply from 127.0.0.1, port {port}\n");
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("{from}hello\n{from}world\n")
    );
}

#[test]
fn udpcli05_binds_port_0_and_gets_an_ephemeral_port_before_sending() {
    let (_server, _, port) = udpserv01();
    let out =
        String::from_utf8(run_client("udpcli05", &["127.0.0.1", &port], b"hi\n", "")).unwrap();
    let (first, rest) = out.split_once('\n').expect("two lines");
    let local_port = number_between(first, "local address 0.0.0.0:", "");
    assert!(local_port > 0);
    assert_eq!(rest, "hi\n");
}

#[test]
fn udpcli09_prints_the_local_address_a_udp_connect_chose() {
    let out = String::from_utf8(run_client("udpcli09", &["127.0.0.1", "9"], b"", "")).unwrap();
    assert!(number_between(&out, "local address 127.0.0.1:", "\n") > 0);
}

#[test]
fn udpcli10_sends_65507_bytes_and_gets_back_the_4096_dg_echo_keeps() {
    let (_server, _, port) = udpserv01();
    let out = run_client("udpcli10", &["127.0.0.1", &port], b"", "");
    assert_eq!(out, b"received 4096 bytes\n");
    assert_usage([(
        "udpcli10",
        &["127.0.0.1", "no-such-service"][..],
        "udp_client error for 127.0.0.1, no-such-service: Servname not supported for ai_socktype",
    )]);
}

/// Runs the `udpcli06` burst against `server` while the server is stopped
/// (SIGSTOP), so that what it receives is exactly what its receive buffer
/// held; then lets it drain the buffer, interrupts it, and returns the
/// count it printed and the bytes its buffer held.
fn burst_received_by(server: &str) -> (u64, u64) {
    let port = free_port();
    let arg = port.to_string();
    let mut counter = udp_server(server, &[&arg], port);
    counter.pause();
    assert_eq!(run_client("udpcli06", &["127.0.0.1", &arg], b"", ""), b"");
    let held = udp_rx_queue(port).expect("the server's socket");
    counter.resume();
    wait_until("the server to read what its buffer kept", || {
        udp_rx_queue(port) == Some(0) && asleep_in(counter.pid(), &[libc::SYS_recvfrom])
    });
    counter.signal(Signal::SIGINT);
    let out = counter.wait_stdout(" datagrams\n");
    assert!(counter.wait_exit().success());
    let received = number_between(&out, "\nreceived ", " datagrams\n");
    assert!((1..2000).contains(&received), "{received}");
    (received, held)
}

/// §8.13: a burst of 2000 datagrams to a server that does not read; the
/// receive buffer keeps what fits and drops the rest, so udpserv07's larger
/// `SO_RCVBUF` (220 KiB, doubled by Linux) keeps more datagrams than
/// udpserv06's default.
#[test]
fn udpcli06_burst_a_bigger_receive_buffer_keeps_more_datagrams() {
    let (default_buffer, default_held) = burst_received_by("udpserv06");
    let (large_buffer, large_held) = burst_received_by("udpserv07");
    eprintln!(
        "of 2000 datagrams: udpserv06 {default_buffer} ({default_held} bytes held), \
         udpserv07 {large_buffer} ({large_held} bytes held)"
    );
    assert!(
        large_buffer > default_buffer,
        "udpserv07 received {large_buffer}, udpserv06 {default_buffer}"
    );
}

#[test]
fn udpcli08_sends_2000_maximal_datagrams_without_an_error() {
    let receiver = udp_socket();
    let port = receiver.local_addr().unwrap().port().to_string();
    assert_eq!(run_client("udpcli08", &["127.0.0.1", &port], b"", ""), b"");
    receiver.set_nonblocking(true).unwrap();
    let mut buf = vec![0u8; 65536];
    let mut received = 0;
    while let Ok(n) = receiver.recv(&mut buf) {
        assert_eq!(n, 65507);
        received += 1;
    }
    // The receiver's buffer holds a few; the rest were dropped, unreported.
    assert!((1..2000).contains(&received), "{received}");
}

fn udpservselect01() -> (Proc, u16) {
    let port = free_port();
    (
        udp_server("udpservselect01", &[&port.to_string()], port),
        port,
    )
}

#[test]
fn udpservselect01_serves_udp_and_tcp_on_one_port() {
    let (server, port) = udpservselect01();
    assert_udp_echoes(port, unp::MAXLINE);
    let out = run_client(
        "udpcli01",
        &["127.0.0.1", &port.to_string()],
        b"over udp\n",
        "",
    );
    assert_eq!(out, b"over udp\n");
    let out = run_client("udpcli10", &["127.0.0.1", &port.to_string()], b"", "");
    assert_eq!(out, b"received 4096 bytes\n");

    let mut tcp = connect(port);
    exchange(&mut tcp, b"over tcp\n", b"over tcp\n");
    assert_udp_echoes(port, unp::MAXLINE);
    drop(tcp);
    let out = server.wait_stdout(" terminated\n");
    number_between(&out, "child ", " terminated\n");
    // SIGCHLD interrupted select; the loop went back to it and serves on.
    assert_udp_echoes(port, unp::MAXLINE);
    TcpStream::connect(("127.0.0.1", port)).expect("still listening");
}

#[test]
fn udpservselect01_passes_the_tcp_echo_conformance_suite() {
    conformance::check_all(&EchoServer {
        name: "udpservselect01",
        max_clients: 1000,
        ..EchoServer::default()
    });
}

#[test]
fn the_book_ports_in_a_private_network_namespace() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "udpserv01 & wait_udp 9877
         echo to-9877 | udpcli01 127.0.0.1
         udpserv01 7 & wait_udp 7
         echo to-echo | udpcli02 127.0.0.1
         echo to-echo | udpcli03 127.0.0.1
         udpcli08 127.0.0.1
         udpcli09 127.0.0.1",
    )
    .output()
    .expect("unshare");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let out = String::from_utf8(out.stdout).unwrap();
    let (head, last) = out.rsplit_once("local address ").expect("udpcli09's line");
    assert_eq!(
        head,
        "to-9877\nto-echo\nreceived reply from 127.0.0.1, port 7\nto-echo\n"
    );
    assert!(number_between(last, "127.0.0.1:", "\n") > 0);
}

#[test]
fn wrong_arguments_print_the_usage_line() {
    let usage = "usage: udpcli <IPaddress> [port]";
    for name in [
        "udpcli01", "udpcli02", "udpcli03", "udpcli04", "udpcli05", "udpcli06", "udpcli08",
        "udpcli09",
    ] {
        assert_usage([
            (name, &[][..], usage),
            (name, &["127.0.0.1", "7", "x"], usage),
            (name, &["127.0.0.1", "port"], usage),
            (name, &["300.1.1.1"], "inet_pton error for 300.1.1.1"),
        ]);
    }
    assert_usage(
        ["udpserv01", "udpserv06", "udpserv07", "udpservselect01"]
            .map(|name| (name, &["1", "2"][..], format!("usage: {name} [port]")))
            .into_iter()
            .chain([(
                "udpcli10",
                &["127.0.0.1"][..],
                "usage: udpcli10 <hostname> <service>".to_string(),
            )]),
    );
}
