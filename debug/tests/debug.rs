//! The debug/ programs against real sockets on loopback: the backlog as
//! Linux counts it, a FIN that is no exception for `select`, and a
//! `connect` interrupted by `SIGALRM` whose handshake completes later.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddrV4, TcpStream};
use std::process::Command;

use nix::sys::socket::{send, MsgFlags};
use socket2::{Domain, SockAddr, Socket, Type};
use std::os::fd::AsRawFd;
use unp_tests::{
    asleep_in, assert_usage, bin, free_port, tcp_state, wait_until, Proc, FIN_WAIT2, TIMEOUT,
};

/// §4.5 as Linux counts it: each round prints `backlog = B: timeout, N
/// connections completed`, and N is B + 1 (the accept queue is full only
/// when it holds more than the backlog). The first three rounds (2 s each,
/// the program's alarm); then the program is killed. `$LISTENQ`, which the
/// book's `Listen` would put in place of the backlog, changes nothing.
#[test]
fn backlog_completes_one_more_connection_than_the_backlog() {
    let port = free_port().to_string();
    let mut backlog = Proc::spawn_cmd(
        Command::new(bin("backlog"))
            .arg(&port)
            .env("LISTENQ", "1000"),
    );
    for b in 0..3 {
        let line = backlog
            .next_line(TIMEOUT)
            .expect("read")
            .unwrap_or_else(|| panic!("backlog ended: {}", backlog.stderr()));
        assert_eq!(
            line,
            format!("backlog = {b}: timeout, {} connections completed", b + 1)
        );
    }
}

/// A listener on a free port of 127.0.0.1 with `backlog`.
fn listener(backlog: i32) -> (Socket, u16) {
    let port = free_port();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    sock.set_reuse_address(true).expect("SO_REUSEADDR");
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    sock.bind(&SockAddr::from(addr)).expect("bind");
    sock.listen(backlog).expect("listen");
    (sock, port)
}

const SELECT: &[i64] = &[libc::SYS_select, libc::SYS_pselect6];

/// test02: the server's FIN reaches the client (the server's socket is in
/// FIN_WAIT2: the client's kernel acknowledged it), and the program still
/// sleeps in `select` on its exception set; an urgent byte then ends it.
#[test]
fn a_fin_is_no_exception_for_select_but_urgent_data_is() {
    let (listenfd, port) = listener(5);
    let mut test02 = Proc::spawn("debug-test02", &["127.0.0.1", &port.to_string()]);
    let (server, _) = listenfd.accept().expect("accept");
    server.shutdown(Shutdown::Write).expect("shutdown");
    wait_until("the FIN acknowledged", || tcp_state(&server) == FIN_WAIT2);
    wait_until("debug-test02 asleep in select", || {
        asleep_in(test02.pid(), SELECT)
    });
    assert!(test02.is_running(), "{}", test02.stderr());

    let mut urgent = Proc::spawn("debug-test02", &["127.0.0.1", &port.to_string()]);
    let (server, _) = listenfd.accept().expect("accept");
    wait_until("debug-test02 asleep in select", || {
        asleep_in(urgent.pid(), SELECT)
    });
    send(server.as_raw_fd(), b"!", MsgFlags::MSG_OOB).expect("send MSG_OOB");
    let status = urgent.wait_exit();
    assert!(status.success(), "{status:?}: {}", urgent.stderr());
    assert_eq!(urgent.stdout(), "");
    test02.signal(nix::sys::signal::Signal::SIGTERM);
}

/// Whether a connection to 127.0.0.1 `port` is in SYN_SENT: its SYN went
/// unanswered.
fn syn_sent_to(port: u16) -> bool {
    let out = Command::new("ss")
        .args([
            "-Htn",
            "state",
            "syn-sent",
            "dport",
            "=",
            &format!(":{port}"),
        ])
        .output()
        .expect("ss");
    !out.stdout.is_empty()
}

/// test04: the listener's queue is full (backlog 0 and one connection not
/// accepted), so the program's SYN is dropped and `connect` waits; the
/// timer's `SIGALRM` ends it with `EINTR` (the program is asleep in
/// `sleep` while its connection is still in SYN_SENT). Once the test
/// accepts the first connection, the SYN sent again gets through, and
/// `select` reports the socket writable (not readable: the server has sent
/// nothing); `str_cli` then echoes a line.
#[test]
fn connect_interrupted_by_a_signal_completes_later() {
    let (listenfd, port) = listener(0);
    let _first = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut test04 = Proc::spawn_typed("debug-test04", &["127.0.0.1", &port.to_string()]);
    let sleeping = &[libc::SYS_clock_nanosleep, libc::SYS_nanosleep];
    wait_until("connect interrupted, debug-test04 asleep in sleep", || {
        asleep_in(test04.pid(), sleeping)
    });
    assert!(syn_sent_to(port), "the handshake goes on after EINTR");

    listenfd.accept().expect("accept the first connection");
    let (server, _) = listenfd.accept().expect("accept debug-test04's");
    test04.type_line("hello\n");
    test04.close_stdin();
    let server = TcpStream::from(server);
    let mut line = String::new();
    BufReader::new(&server)
        .read_line(&mut line)
        .expect("read the line");
    (&server).write_all(line.as_bytes()).expect("echo");

    let status = test04.wait_exit();
    assert!(status.success(), "{status:?}: {}", test04.stderr());
    assert_eq!(
        test04.stdout(),
        "select returned 1\nsocket is writable\nhello\n"
    );
}

#[test]
fn usage_lines() {
    assert_usage([
        ("backlog", &["1", "2"][..], "usage: backlog"),
        (
            "debug-test02",
            &["127.0.0.1"],
            "usage: test01 <hostname/IPaddress> <service/port#>",
        ),
        ("debug-test04", &[], "usage: a.out <IPaddress> [port]"),
    ]);
}
