//! Chapter 25: the signal-driven UDP echo server with its client, under the
//! load of the book's `script.1` (six clients at once), its `SIGHUP`
//! histogram, its queue overflow, and the bad-argument paths.

use std::collections::HashSet;
use std::net::UdpSocket;
use std::thread;
use std::time::Duration;

use nix::sys::signal::Signal;
use unp_tests::{
    assert_usage, client, free_port, in_netns, skip_unless_root, udp_server, Proc, TIMEOUT,
};

fn start_server() -> (Proc, u16) {
    let port = free_port();
    (
        udp_server("sigio-udpserv01", &[&port.to_string()], port),
        port,
    )
}

#[test]
fn udpcli01_gets_each_line_back_from_udpserv01() {
    let (_srv, port) = start_server();
    client("sigio-udpcli01")
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("hello\n\nbinary \0 byte\nno newline")
        .assert()
        .success()
        .stdout("hello\n\nbinary \0 byte\nno newline")
        .stderr("");
}

#[test]
fn book_port_9877_by_default() {
    if skip_unless_root("unshare") {
        return;
    }
    in_netns(
        "sigio-udpserv01 & wait_udp 9877
         printf 'on 9877\\n' | sigio-udpcli01 127.0.0.1",
    )
    .assert()
    .success()
    .stdout("on 9877\n");
}

/// The datagrams per `SIGIO` of the `SIGHUP` histogram, `cntread[i] = n`
/// for i = 0..=8, as (i, n) pairs.
fn histogram(stdout: &str) -> Vec<(usize, u64)> {
    stdout
        .lines()
        .map(|line| {
            let rest = line.strip_prefix("cntread[").expect("cntread line");
            let (i, n) = rest.split_once("] = ").expect("cntread line");
            (i.parse().unwrap(), n.parse().unwrap())
        })
        .collect()
}

/// One client of the book's `script.1`: stop-and-wait like `dg_cli`, but a
/// lost datagram (UDP may drop one even on loopback) costs a bounded wait
/// instead of a hang. Returns the sequence numbers of the echoes received.
fn load_client(port: u16, id: usize, count: usize) -> Vec<usize> {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut echoed = Vec::new();
    let mut buf = [0u8; 128];
    for seq in 0..count {
        sock.send(format!("client {id} datagram {seq}\n").as_bytes())
            .unwrap();
        let Ok(n) = sock.recv(&mut buf) else { continue };
        let reply = std::str::from_utf8(&buf[..n]).expect("echo is text");
        let rest = reply
            .strip_prefix(&format!("client {id} datagram "))
            .unwrap_or_else(|| panic!("client {id} got someone else's echo: {reply:?}"));
        echoed.push(rest.trim_end().parse().expect("sequence number"));
    }
    echoed
}

/// Six clients at once, several thousand datagrams each: every echo is a
/// datagram its client sent, none comes twice, and the histogram printed on
/// `SIGHUP` counts every datagram echoed and no more than were sent (UDP may
/// lose a request before the server reads it, or an echo after).
#[test]
fn six_clients_each_datagram_echoed_once_and_histogram_adds_up() {
    const CLIENTS: usize = 6;
    const DATAGRAMS: usize = 3000;
    let (srv, port) = start_server();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|id| thread::spawn(move || load_client(port, id, DATAGRAMS)))
        .collect();
    let mut echoed = 0;
    for (id, handle) in clients.into_iter().enumerate() {
        let seqs = handle.join().expect("client thread");
        let distinct: HashSet<usize> = seqs.iter().copied().collect();
        assert_eq!(distinct.len(), seqs.len(), "client {id} got an echo twice");
        assert!(seqs.iter().all(|&seq| seq < DATAGRAMS));
        assert!(!seqs.is_empty(), "client {id} got no echo at all");
        echoed += seqs.len() as u64;
    }

    srv.signal(Signal::SIGHUP);
    let hist = histogram(&srv.wait_stdout("cntread[8] = "));
    assert_eq!(
        hist.iter().map(|&(i, _)| i).collect::<Vec<_>>(),
        (0..=8).collect::<Vec<_>>()
    );
    // Every datagram echoed was read; a request lost before the server
    // read it is in neither count, an echo lost on the way back only in the
    // histogram.
    let read: u64 = hist.iter().map(|&(i, n)| i as u64 * n).sum();
    let sent = (CLIENTS * DATAGRAMS) as u64;
    assert!(
        echoed <= read && read <= sent,
        "{echoed} echoed, {read} read, {sent} sent: histogram {hist:?}"
    );
}

/// §25.3: a signal that is already pending is not queued again. Three
/// datagrams arrive while the server is stopped, each raising `SIGIO`; when
/// it resumes, one `SIGIO` is delivered and its handler reads all three:
/// `cntread[3] = 1` and no other signal at all (a queued signal per
/// datagram would leave two more that find nothing, `cntread[0] = 2`).
#[test]
fn three_datagrams_while_stopped_are_read_by_one_sigio() {
    let (mut srv, port) = start_server();
    srv.pause();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(TIMEOUT)).unwrap();
    for i in 0..3 {
        sock.send_to(format!("datagram {i}\n").as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    srv.resume();
    let mut buf = [0u8; 64];
    for i in 0..3 {
        let n = sock.recv(&mut buf).expect("echo");
        assert_eq!(&buf[..n], format!("datagram {i}\n").as_bytes());
    }

    srv.signal(Signal::SIGHUP);
    let hist = histogram(&srv.wait_stdout("cntread[8] = 0\n"));
    let one_read_of_three: Vec<_> = (0..=8).map(|i| (i, u64::from(i == 3))).collect();
    assert_eq!(hist, one_read_of_three);
    assert!(srv.is_running(), "{}", srv.stderr());
}

/// More datagrams than the queue holds, waiting when the handler runs: the
/// server stops with `receive overflow`. The server is stopped while they
/// arrive, so that its first `SIGIO` finds them all.
#[test]
fn full_queue_stops_with_receive_overflow() {
    let (mut srv, port) = start_server();
    srv.pause();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..20 {
        sock.send_to(format!("datagram {i}\n").as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    srv.resume();
    assert_eq!(srv.wait_exit().code(), Some(1));
    assert_eq!(srv.stderr(), "receive overflow\n");
}

#[test]
fn bad_arguments() {
    assert_usage([
        (
            "sigio-udpcli01",
            &[][..],
            "usage: udpcli01 <IPaddress> [port]",
        ),
        ("sigio-udpcli01", &["foo"], "inet_pton error for foo"),
        ("sigio-udpserv01", &["1", "2"], "usage: udpserv01 [port]"),
    ]);
}
