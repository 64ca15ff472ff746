//! The test/ programs, each showing its point with real processes and
//! sockets on loopback.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, UdpSocket};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

use nix::sys::signal::Signal;
use unp_tests::{
    asleep_in, assert_usage, bin, connect, free_port, run_client, server, tcp_state, wait_until,
    Proc,
};

/// A signal handler installed with `SA_RESTART` (the book's `Signal`)
/// returns, and `accept` is restarted: `received SIGINT` twice, the
/// program back asleep in `accept` each time, and a client still accepted.
#[test]
fn accept_is_restarted_after_a_signal() {
    let port = free_port();
    let mut proc = server("accept_eintr", &[&port.to_string()], port);
    let accept = &[libc::SYS_accept, libc::SYS_accept4];
    for received in 1..=2 {
        proc.signal(Signal::SIGINT);
        wait_until("received SIGINT", || {
            proc.stdout().matches("received SIGINT\n").count() == received
        });
        wait_until("accept_eintr back in accept", || {
            assert!(proc.is_running(), "accept_eintr: {}", proc.stderr());
            asleep_in(proc.pid(), accept)
        });
    }
    // Accepted (and closed at once): the client reads end of file.
    let mut sock = connect(port);
    let mut rest = Vec::new();
    sock.read_to_end(&mut rest).expect("read to the close");
    assert!(proc.is_running(), "{}", proc.stderr());
    assert_eq!(proc.stderr(), "");
}

/// `/proc/PID/io`'s `syscr`, the read system calls made so far, once the
/// program has read `bytes` bytes and sleeps in `read`.
fn reads_to_consume(proc: &Proc, bytes: u64) -> u64 {
    let field = |name: &str| -> u64 {
        let io = std::fs::read_to_string(format!("/proc/{}/io", proc.pid())).unwrap_or_default();
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    wait_until("the input read", || {
        field("rchar:") >= bytes && asleep_in(proc.pid(), &[libc::SYS_read])
    });
    field("syscr:")
}

/// The three readlines count the same lines; readline1 makes a `read` per
/// byte (at least 6000 for 6000 bytes), readline2 and readline3 one per
/// 4096 bytes (a handful, with the start-up's own reads).
#[test]
fn treadline_counts_lines_and_readline1_reads_a_byte_at_a_time() {
    let input = "12345\n".repeat(1000);
    for (name, few_reads) in [
        ("treadline1", false),
        ("treadline2", true),
        ("treadline3", true),
    ] {
        let mut proc = Proc::spawn_typed(name, &[]);
        proc.type_line(&input);
        let reads = reads_to_consume(&proc, input.len() as u64);
        if few_reads {
            assert!(reads < 50, "{name}: {reads} reads");
        } else {
            assert!(reads >= input.len() as u64, "{name}: {reads} reads");
        }
        proc.close_stdin();
        assert!(proc.wait_exit().success(), "{name}: {}", proc.stderr());
        assert_eq!(proc.stdout(), "1000 lines\n", "{name}");
    }
}

/// The C99 return value: the length the whole output would have had.
#[test]
fn tsnprintf_reports_the_untruncated_length() {
    let out = run_client("tsnprintf", &[], b"", "");
    assert_eq!(out, b"error: snprintf overflowed buffer, n = 4\n");
}

/// stdin a Unix-domain socket, stdout a pipe, stderr a file: only stdin and
/// the two sockets are sockets.
#[test]
fn tisfdtype_tells_sockets_from_other_descriptors() {
    let (stdin, _peer) = UnixStream::pair().expect("socketpair");
    let out = Command::new(bin("tisfdtype"))
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(stdin)))
        .stderr(Stdio::from(
            std::fs::File::open("/dev/null").expect("/dev/null"),
        ))
        .output()
        .expect("run tisfdtype");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "stdin: 1\nstdout: 0\nstderr: 0\nTCP socket: 1\nUDP socket: 1\n"
    );
}

/// Closing stdin tells the server nothing: after the echo, tshutdown waits
/// in `read` on the socket, and the server's end is still ESTABLISHED (no
/// FIN came). A server that closes first ends it, with the byte count.
#[test]
fn tshutdown_closes_stdin_but_the_server_never_sees_end_of_file() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("port").port().to_string();
    let mut proc = Proc::spawn_typed("tshutdown", &["127.0.0.1", &port]);
    let (mut echo, _) = listener.accept().expect("accept");
    proc.type_line("hello\n");
    proc.close_stdin();
    let mut line = [0u8; 6];
    echo.read_exact(&mut line).expect("the line");
    echo.write_all(&line).expect("echo");
    proc.wait_stdout("hello\n");
    wait_until("tshutdown asleep in read", || {
        asleep_in(proc.pid(), &[libc::SYS_read])
    });
    const ESTABLISHED: u8 = 1;
    assert_eq!(tcp_state(&echo), ESTABLISHED, "no FIN from tshutdown");
    assert_eq!(proc.stderr(), "connected\n");

    // The server closes: the program reads end of file and reports.
    echo.shutdown(Shutdown::Write).expect("shutdown");
    assert!(proc.wait_exit().success(), "{}", proc.stderr());
    assert_eq!(
        proc.stderr(),
        "connected\ntotal: 6 bytes read from socket\n"
    );
}

/// udp_client's socket is descriptor 3, for IPv4 and IPv6.
#[test]
fn test2_prints_descriptor_3() {
    for host in ["127.0.0.1", "::1"] {
        assert_eq!(run_client("test-test2", &[host], b"", ""), b"sockfd = 3\n");
    }
}

/// Where Linux differs from 4.4BSD, against echo servers on one TCP and
/// UDP port: it accepts a destination address in `sendto` on a connected
/// TCP socket and on a connected UDP socket; the rest behaves as in BSD.
#[test]
fn test1_reports_linux_deviations_from_bsd() {
    let tcp = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = tcp.local_addr().expect("port").port();
    let _udp = UdpSocket::bind(("127.0.0.1", port)).expect("bind UDP");
    let echo = std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut sock, _) = tcp.accept().expect("accept");
            let mut buf = [0u8; 100];
            while let Ok(n @ 1..) = sock.read(&mut buf) {
                sock.write_all(&buf[..n]).expect("echo");
            }
        }
    });
    let out = run_client(
        "test-test1",
        &["-v", "127.0.0.1", &port.to_string()],
        b"",
        "+ sendto on TCP socket specifying dest addr OK\n\
         + sendto on connected UDP with dest addr OK, n = 10\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        "header_flags\nudp_01\nsendto_01\n"
    );
    echo.join().expect("echo thread");
}

#[test]
fn usage_lines() {
    let usage1 = "usage: test1 [ -v ] <IPaddress> [port]";
    assert_usage([
        (
            "accept_eintr",
            &["1", "2"][..],
            "usage: accept_eintr [port]",
        ),
        ("treadline1", &["x"], "usage: treadline1"),
        ("treadline2", &["x"], "usage: treadline2"),
        ("treadline3", &["x"], "usage: treadline3"),
        ("tsnprintf", &["x"], "usage: tsnprintf"),
        ("tisfdtype", &["x"], "usage: tisfdtype"),
        ("tshutdown", &["x"], "usage: tshutdown <hostname> <service>"),
        ("test-test2", &[], "usage: test2 <IPaddress>"),
        ("test-test2", &["99999"], "inet_pton error for 99999"),
        ("test-test1", &[], usage1),
        ("test-test1", &["-x", "127.0.0.1"], usage1),
        (
            "test-test1",
            &["localhost"],
            "inet_pton error for localhost",
        ),
    ]);
}
