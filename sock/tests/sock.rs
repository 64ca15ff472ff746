//! sock's modes against peers on loopback: a TCP client with half-close,
//! a TCP server, a UDP client, a source into a sink, and options.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread;

use unp_tests::{assert_usage, free_port, run_client, Proc, TIMEOUT};

/// A TCP echo peer for one connection: the port and what it echoed.
fn tcp_echo() -> (u16, thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).unwrap() {
                0 => break all,
                n => {
                    conn.write_all(&buf[..n]).unwrap();
                    all.extend_from_slice(&buf[..n]);
                }
            }
        }
    });
    (port, peer)
}

/// `-h`: at the end of its input the client half-closes and reads on, so
/// every echoed line arrives before it exits.
#[test]
fn sock_tcp_client_half_closes_and_reads_to_the_end() {
    let (port, peer) = tcp_echo();
    let port = port.to_string();
    let mut cli = Proc::spawn_typed("sock", &["-h", "-v", "127.0.0.1", &port]);
    cli.write_stdin(b"hello\nworld\n").unwrap();
    cli.close_stdin();
    assert!(
        cli.wait_exit_within(TIMEOUT).unwrap().success(),
        "{}",
        cli.stderr()
    );
    assert_eq!(cli.stdout(), "hello\nworld\n");
    assert_eq!(peer.join().unwrap(), b"hello\nworld\n");
    let stderr = cli.stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("connected on 127.0.0.1.")
            && lines[0].ends_with(&format!(" to 127.0.0.1.{port}")),
        "{stderr}"
    );
    assert!(lines[1].starts_with("TCP_MAXSEG = "), "{stderr}");
    assert_eq!(lines[2..], ["connection closed by peer"], "{stderr}");
}

/// `-s`: the server copies the connection to its stdout and its stdin to
/// the connection, until the peer closes.
#[test]
fn sock_tcp_server_copies_both_ways() {
    let port = free_port();
    let mut server = Proc::spawn_typed("sock", &["-v", "-s", &port.to_string()]);
    server.wait_bound("tcp", port, "0A");
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(b"ping\n").unwrap();
    server.wait_stdout("ping\n");
    server.type_line("pong\n");
    let mut reply = String::new();
    BufReader::new(&conn).read_line(&mut reply).unwrap();
    assert_eq!(reply, "pong\n");
    conn.shutdown(std::net::Shutdown::Both).unwrap();
    assert!(server.wait_exit_within(TIMEOUT).unwrap().success());
    let stderr = server.stderr();
    assert!(
        stderr.starts_with(&format!("connection on 127.0.0.1.{port} from 127.0.0.1.")),
        "{stderr}"
    );
    assert!(stderr.ends_with("connection closed by peer\n"), "{stderr}");
}

/// `-u`: each line is a datagram; the replies are printed.
#[test]
fn sock_udp_client_sends_datagrams() {
    let echo = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = echo.local_addr().unwrap().port().to_string();
    let peer = thread::spawn(move || {
        let mut buf = [0u8; 100];
        let (n, from) = echo.recv_from(&mut buf).unwrap();
        echo.send_to(&buf[..n].to_ascii_uppercase(), from).unwrap();
        buf[..n].to_vec()
    });
    let mut cli = Proc::spawn_typed("sock", &["-u", "127.0.0.1", &port]);
    cli.type_line("hi there\n");
    cli.wait_stdout("HI THERE\n");
    cli.close_stdin();
    assert!(cli.wait_exit_within(TIMEOUT).unwrap().success());
    assert_eq!(peer.join().unwrap(), b"hi there\n");
}

/// `-i`: a source writes `-n` buffers of `-w` bytes; the sink reads them
/// all, then sees the end.
#[test]
fn sock_source_into_sink() {
    let port = free_port();
    let mut sink = Proc::spawn("sock", &["-i", "-s", "-v", &port.to_string()]);
    sink.wait_bound("tcp", port, "0A");
    let out = run_client(
        "sock",
        &["-i", "-n", "3", "-w", "100", "127.0.0.1", &port.to_string()],
        b"",
        "",
    );
    assert_eq!(out, b"");
    assert!(sink.wait_exit_within(TIMEOUT).unwrap().success());
    let stderr = sink.stderr();
    let received: usize = stderr
        .lines()
        .filter_map(|l| {
            l.strip_prefix("received ")?
                .strip_suffix(" bytes")?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(received, 300, "{stderr}");
    assert!(stderr.ends_with("connection closed by peer\n"), "{stderr}");
}

/// Options: Linux doubles `SO_RCVBUF` (the C's check of the size it asked
/// for failed here); `TCP_NODELAY` is set and read back.
#[test]
fn sock_options_are_set_and_shown() {
    let (port, peer) = tcp_echo();
    let mut cli = Proc::spawn_typed(
        "sock",
        &[
            "-v",
            "-R",
            "10000",
            "-N",
            "-h",
            "127.0.0.1",
            &port.to_string(),
        ],
    );
    cli.close_stdin();
    assert!(
        cli.wait_exit_within(TIMEOUT).unwrap().success(),
        "{}",
        cli.stderr()
    );
    peer.join().unwrap();
    let stderr = cli.stderr();
    assert!(
        stderr.starts_with("SO_RCVBUF = 20000\nTCP_NODELAY set\nconnected on "),
        "{stderr}"
    );
}

#[test]
fn sock_bad_arguments() {
    let usage = "usage: sock [ options ] <host> <port>, or -s [ <IPaddr> ] <port> (server), -i (source or sink)";
    assert_usage([
        ("sock", &[][..], usage),
        (
            "sock",
            &["127.0.0.1"][..],
            "missing <hostname> and/or <port>",
        ),
        ("sock", &["-s"][..], "missing <port>"),
        (
            "sock",
            &["-u", "-h", "a", "1"][..],
            "can't specify -h, -D, -L or -N with -u",
        ),
        (
            "sock",
            &["-E", "a", "1"][..],
            "option -E not supported here",
        ),
        ("sock", &["-e", "a", "1"][..], "unrecognized option"),
        ("sock", &["-n", "x", "a", "1"][..], "invalid -n value: x"),
    ]);
}
