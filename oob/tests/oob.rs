//! Chapter 24 tests: each receiver prints the book's sequence when the test
//! plays the sender one step at a time (each step after the receiver has
//! printed the previous one), the in-line receivers with their real senders
//! (the receiver stopped while the sender runs), the senders against a
//! test-side receiver, and Linux's urgent-data facts on plain sockets.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::process::Command;
use std::thread;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::socket::{recv, MsgFlags};
use nix::unistd::Pid;
use socket2::SockRef;
use unp_tests::{
    asleep_in, assert_dies_of_sigpipe, assert_usage, children_of, client, free_port, server,
    wait_until, Proc, TIMEOUT,
};

/// One step of tcpsend01: normal data, or one urgent byte.
enum Step {
    Write(&'static [u8]),
    Urgent(&'static [u8]),
}

/// tcpsend01's writes, each with the lines the receiver prints for it.
fn tcpsend01_steps(sigurg: bool) -> Vec<(Step, Vec<&'static str>)> {
    let oob = |byte| match sigurg {
        true => vec!["SIGURG received", byte],
        false => vec![byte],
    };
    vec![
        (Step::Write(b"123"), vec!["read 3 bytes: 123"]),
        (Step::Urgent(b"4"), oob("read 1 OOB byte: 4")),
        (Step::Write(b"56"), vec!["read 2 bytes: 56"]),
        (Step::Urgent(b"7"), oob("read 1 OOB byte: 7")),
        (Step::Write(b"89"), vec!["read 2 bytes: 89"]),
    ]
}

/// Play tcpsend01 against `name`, each step once the receiver has printed
/// the lines of the one before: its whole output must be the book's.
fn play_tcpsend01(name: &str, sigurg: bool) {
    let port = free_port();
    let mut proc = server(name, &[&port.to_string()], port);
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut expected = String::new();
    for (step, lines) in tcpsend01_steps(sigurg) {
        match step {
            Step::Write(data) => sock.write_all(data).unwrap(),
            Step::Urgent(byte) => {
                SockRef::from(&sock).send_out_of_band(byte).unwrap();
            }
        }
        for want in lines {
            let got = proc.next_line(TIMEOUT).unwrap_or_else(|err| {
                panic!(
                    "{name}: waiting for {want:?}: {err}; stderr {:?}",
                    proc.stderr()
                )
            });
            assert_eq!(got.as_deref(), Some(want), "{name}");
            expected += want;
            expected += "\n";
        }
    }
    sock.shutdown(Shutdown::Write).unwrap();
    assert!(proc.wait_exit().success(), "{name}: {}", proc.stderr());
    expected += "received EOF\n";
    assert_eq!(proc.stdout(), expected, "{name}");
    assert_eq!(proc.stderr(), "", "{name}");
}

/// The handler runs only because the socket has an owner (`F_SETOWN`).
#[test]
fn tcprecv01_reads_each_urgent_byte_in_its_sigurg_handler() {
    play_tcpsend01("tcprecv01", true);
}

/// On Linux the exception ends once the byte is read, so the book's wrong
/// version prints what the right one does, without the `EINVAL`.
#[test]
fn tcprecv02_and_03_read_each_urgent_byte_from_the_exception_set() {
    play_tcpsend01("tcprecv02", false);
    play_tcpsend01("tcprecv03", false);
}

/// With the book's `POLLRDBAND` the urgent bytes are never read on Linux:
/// the port asks for `POLLPRI`.
#[test]
fn tcprecv03p_reads_each_urgent_byte_on_pollpri() {
    play_tcpsend01("tcprecv03p", false);
}

/// The receiver, stopped in `accept` (after it set `SO_OOBINLINE`), while
/// `sender` runs to its end; then resumed: both outputs are exact.
fn inline_pair(receiver: &str, sender: &str, sent: &str, received: &str) {
    let port = free_port().to_string();
    let mut proc = server(receiver, &[&port], port.parse().unwrap());
    wait_until("the receiver to sleep in accept", || {
        asleep_in(proc.pid(), &[libc::SYS_accept, libc::SYS_accept4])
    });
    proc.pause();
    client(sender)
        .args(["127.0.0.1", &port])
        .assert()
        .success()
        .stdout(sent.to_string())
        .stderr("");
    proc.resume();
    assert!(proc.wait_exit().success(), "{receiver}: {}", proc.stderr());
    assert_eq!(proc.stdout(), received, "{receiver}");
    assert_eq!(proc.stderr(), "", "{receiver}");
}

/// A read stops at the mark: the urgent byte starts the next one.
#[test]
fn tcprecv04_finds_the_mark_in_line() {
    inline_pair(
        "tcprecv04",
        "tcpsend04",
        "wrote 3 bytes of normal data\nwrote 1 byte of OOB data\nwrote 1 byte of normal data\n",
        "read 3 bytes: 123\nat OOB mark\nread 2 bytes: 45\nreceived EOF\n",
    );
}

/// One urgent pointer: the second urgent byte moves the mark, and the first
/// (`4`) is read as normal data before it.
#[test]
fn tcprecv06_sees_one_mark_after_two_urgent_bytes() {
    inline_pair(
        "tcprecv06",
        "tcpsend06",
        "wrote 3 bytes of normal data\nwrote 1 byte of OOB data\nwrote 1 byte of normal data\n\
         wrote 1 byte of OOB data\nwrote 1 byte of normal data\n",
        "read 5 bytes: 12345\nat OOB mark\nread 2 bytes: 67\nreceived EOF\n",
    );
}

/// tcpsend01 to 03 (with their one-second pauses) against a test-side
/// receiver that keeps urgent data in line: every byte arrives, in order.
#[test]
fn tcpsend01_to_03_send_the_books_sequence() {
    let runs: Vec<_> = ["tcpsend01", "tcpsend02", "tcpsend03"]
        .into_iter()
        .map(|name| {
            thread::spawn(move || {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                SockRef::from(&listener)
                    .set_out_of_band_inline(true)
                    .unwrap();
                let port = listener.local_addr().unwrap().port().to_string();
                let reader = thread::spawn(move || {
                    let (mut conn, _) = listener.accept().unwrap();
                    let mut all = Vec::new();
                    conn.read_to_end(&mut all).unwrap();
                    all
                });
                client(name)
                    .args(["127.0.0.1", &port])
                    .assert()
                    .success()
                    .stderr("")
                    .stdout(
                        "wrote 3 bytes of normal data\nwrote 1 byte of OOB data\n\
                         wrote 2 bytes of normal data\nwrote 1 byte of OOB data\n\
                         wrote 2 bytes of normal data\n",
                    );
                assert_eq!(reader.join().unwrap(), b"123456789", "{name}");
            })
        })
        .collect();
    for run in runs {
        run.join().unwrap();
    }
}

/// Linux's facts on one connection: urgent data shows as `POLLPRI`, never
/// `POLLRDBAND`; `recv(MSG_OOB)` reads the byte once and then fails with
/// `EINVAL` (the book's tcprecv02 error); and the condition ends with the
/// read, which is why tcprecv02 does not fail on Linux.
#[test]
fn urgent_byte_is_pollpri_and_reads_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sender = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (receiver, _) = listener.accept().unwrap();
    SockRef::from(&sender).send_out_of_band(b"x").unwrap();

    let asked = PollFlags::POLLPRI | PollFlags::POLLRDBAND;
    let mut fds = [PollFd::new(receiver.as_fd(), asked)];
    let timeout = PollTimeout::try_from(TIMEOUT).unwrap();
    assert_eq!(poll(&mut fds, timeout), Ok(1));
    assert_eq!(fds[0].revents(), Some(PollFlags::POLLPRI));

    let mut buf = [0u8; 10];
    let fd = std::os::fd::AsRawFd::as_raw_fd(&receiver);
    assert_eq!(recv(fd, &mut buf, MsgFlags::MSG_OOB), Ok(1));
    assert_eq!(buf[0], b'x');
    assert_eq!(recv(fd, &mut buf, MsgFlags::MSG_OOB), Err(Errno::EINVAL));

    let mut fds = [PollFd::new(receiver.as_fd(), asked)];
    assert_eq!(poll(&mut fds, PollTimeout::ZERO), Ok(0));
}

/// `tcpsend04 ... | head -c 0`: the sender dies of SIGPIPE at its first
/// line of output, as the C does, instead of going on unseen.
#[test]
fn senders_die_of_sigpipe_when_nobody_reads_stdout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    for n in ["01", "04", "05", "06"] {
        assert_dies_of_sigpipe(&format!("tcpsend{n}"), &["127.0.0.1", &port], b"");
    }
}

#[test]
fn bad_arguments_print_usage() {
    let mut cases: Vec<(String, &[&str], String)> = Vec::new();
    for n in ["01", "02", "03", "04", "05", "06"] {
        let usage = format!("usage: tcpsend{n} <host> <port#>");
        cases.push((format!("tcpsend{n}"), &["127.0.0.1"], usage));
    }
    for n in ["01", "02", "03", "03p", "04", "05", "06"] {
        let usage = format!("usage: tcprecv{n} [ <host> ] <port#>");
        cases.push((format!("tcprecv{n}"), &[], usage.clone()));
        cases.push((format!("tcprecv{n}"), &["a", "b", "c"], usage));
    }
    cases.push((
        "oob-tcpcli02".into(),
        &[],
        "usage: oob-tcpcli02 <IPaddress> [port]".into(),
    ));
    cases.push((
        "oob-tcpcli02".into(),
        &["foo"],
        "inet_pton error for foo".into(),
    ));
    cases.push((
        "oob-tcpserv02".into(),
        &["1", "2"],
        "usage: oob-tcpserv02 [port]".into(),
    ));
    assert_usage(cases);
}

/// The fields of `ss -tinH` for the TCP sockets matching `filter`.
fn ss(filter: &str) -> String {
    let out = Command::new("ss")
        .args(["-tinH", filter])
        .output()
        .expect("ss(8), from iproute2, is needed by the tests");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value of `name:N` in `ss` output.
fn ss_counter(out: &str, name: &str) -> u64 {
    out.split_whitespace()
        .find_map(|field| field.strip_prefix(name)?.strip_prefix(':'))
        .map_or(0, |n| n.parse().unwrap())
}

/// tcpsend05 fills tcprecv05's window, then sends its urgent byte. The
/// byte stays at the sender (its send queue holds it and the last 1024
/// bytes), but the urgent pointer reaches the receiver with the next window
/// probe: `SIGURG`, then `EWOULDBLOCK` from `recv(MSG_OOB)`, as in the book.
/// The probe comes after the sender's back-off delay (about 1 s here, up to
/// 13 s), hence the longer bound.
#[test]
fn tcprecv05_gets_sigurg_through_a_closed_window() {
    let port = free_port().to_string();
    let mut recv = server("tcprecv05", &[&port], port.parse().unwrap());
    client("tcpsend05")
        .args(["127.0.0.1", &port])
        .assert()
        .success()
        .stderr("")
        .stdout(
            "wrote 16384 bytes of normal data\nwrote 1 byte of OOB data\n\
             wrote 1024 bytes of normal data\n",
        );
    let status = recv.wait_exit_within(Duration::from_secs(60)).unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(recv.stdout(), "SIGURG received\n");
    assert_eq!(
        recv.stderr(),
        "recv error: Resource temporarily unavailable\n"
    );
}

// ------------------------------------------------------------- heartbeat

fn heartbeat_server() -> (Proc, String) {
    let port = free_port();
    (
        server("oob-tcpserv02", &[&port.to_string()], port),
        port.to_string(),
    )
}

/// The client's connection to `port`: the bytes it has received so far,
/// as `ss -ti` counts them (urgent bytes included).
fn client_bytes_received(port: &str) -> u64 {
    ss_counter(&ss(&format!("( dport = :{port} )")), "bytes_received")
}

#[test]
fn oob_tcpcli02_echoes_through_oob_tcpserv02() {
    let (_srv, port) = heartbeat_server();
    let input = "hello\n\nbinary \0 byte\n".repeat(100) + "no newline";
    client("oob-tcpcli02")
        .args(["127.0.0.1", &port])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input)
        .stderr("");
}

/// While the server answers, the probes keep the idle client alive: it
/// receives 7 answers (more than its limit of 5 unanswered probes, so
/// without the answers it would have quit). Then the server's child is
/// stopped, nothing answers, and the client gives up.
#[test]
fn oob_tcpcli02_gives_up_when_the_server_stops_answering() {
    let (srv, port) = heartbeat_server();
    let mut cli = Proc::spawn_typed("oob-tcpcli02", &["127.0.0.1", &port]);
    cli.type_line("hello\n");
    cli.wait_stdout("hello\n");
    wait_until("7 answered probes", || {
        client_bytes_received(&port) >= "hello\n".len() as u64 + 7
    });
    assert!(cli.is_running(), "{}", cli.stderr());

    let child = children_of(srv.pid())[0].0;
    kill(Pid::from_raw(child), Signal::SIGSTOP).unwrap();
    assert!(cli.wait_exit().success());
    assert_eq!(cli.stderr(), "server is unreachable\n");
    assert_eq!(cli.stdout(), "hello\n");
}

/// A stopped client sends no probes: the server's child gives up and the
/// parent reaps it.
#[test]
fn oob_tcpserv02_child_gives_up_when_the_client_stops_probing() {
    let (srv, port) = heartbeat_server();
    let mut cli = Proc::spawn_typed("oob-tcpcli02", &["127.0.0.1", &port]);
    cli.type_line("hello\n");
    cli.wait_stdout("hello\n");
    let child = children_of(srv.pid())[0].0;
    cli.pause();
    let expected = format!("no probes from client\nchild {child} terminated\n");
    srv.wait_stdout(&expected);
    assert_eq!(srv.stdout(), expected);
    assert_eq!(srv.stderr(), "");
}
