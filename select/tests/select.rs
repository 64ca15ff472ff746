//! Chapter 6 (`select/`) and the epoll programs: every client against a
//! server of the crate, and one test per lesson. The servers' echo
//! behaviour is checked by the shared conformance suite
//! (`tests/tests/conformance.rs`); here are what is particular to them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::thread;

use unp_tests::conformance::EchoServer;
use unp_tests::{
    assert_usage, bin, client, connect, free_port, run_client, server, tcp_memory, wait_until, Proc,
};

/// The three `str_cli` clients of the crate.
const CLIENTS: [&str; 3] = ["select-tcpcli01", "tcpcli02", "tcpcliepoll01"];

/// An echo server of the crate on a free port.
fn echo_server() -> (Proc, u16) {
    let port = free_port();
    (server("tcpservepoll01", &[&port.to_string()], port), port)
}

/// `count` numbered lines.
fn lines(count: usize) -> String {
    (1..=count)
        .map(|i| format!("line {i} of the batch\n"))
        .collect()
}

// ------------------------------------------------------------- the clients

#[test]
fn clients_echo_typed_lines_one_at_a_time() {
    let (_server, port) = echo_server();
    for name in CLIENTS {
        let mut cli = Proc::spawn_typed(name, &["127.0.0.1", &port.to_string()]);
        // Each line comes back before the next is typed, and nothing else
        // comes: stdout is always exactly the lines typed so far.
        let mut echoed = String::new();
        for line in ["hello\n", "\n", "a longer line, with\ttabs\n"] {
            cli.type_line(line);
            echoed.push_str(line);
            assert_eq!(cli.wait_stdout(&echoed), echoed, "{name}");
        }
        cli.close_stdin();
        let status = cli.wait_exit();
        assert_eq!(
            (status.code(), cli.stderr()),
            (Some(0), String::new()),
            "{name}"
        );
    }
}

/// §6.5 and §6.7: fed a few thousand lines at once, `tcpcli02` and
/// `tcpcliepoll01` (raw reads, `shutdown(SHUT_WR)` at end of input, read
/// until the server's FIN) print every line; `select-tcpcli01` (stdio and
/// readline buffers, returns at end of input) prints only the first part.
#[test]
fn batch_input_comes_back_whole_only_with_shutdown() {
    let (_server, port) = echo_server();
    let input = lines(5000);
    for name in ["tcpcli02", "tcpcliepoll01"] {
        client(name)
            .args(["127.0.0.1", &port.to_string()])
            .write_stdin(input.clone())
            .assert()
            .success()
            .stdout(input.clone())
            .stderr("");
    }
    let out = run_client(
        "select-tcpcli01",
        &["127.0.0.1", &port.to_string()],
        input.as_bytes(),
        "",
    );
    let out = String::from_utf8(out).unwrap();
    assert!(input.starts_with(&out), "not a prefix of the input");
    assert!(
        out.len() < input.len(),
        "select-tcpcli01 printed every line"
    );
    eprintln!(
        "select-tcpcli01 printed {} of 5000 lines",
        out.lines().count()
    );
}

/// epoll refuses regular files (`EPERM`): `tcpcliepoll01` with stdin
/// redirected from a file reads it without waiting, and still gets every
/// line back.
#[test]
fn tcpcliepoll01_reads_a_regular_file_on_stdin() {
    let (_server, port) = echo_server();
    let input = lines(3000);
    let path = std::env::temp_dir().join(format!("tcpcliepoll01-{}.txt", std::process::id()));
    std::fs::write(&path, &input).unwrap();
    client("tcpcliepoll01")
        .args(["127.0.0.1", &port.to_string()])
        .pipe_stdin(&path)
        .unwrap()
        .assert()
        .success()
        .stdout(input)
        .stderr("");
    std::fs::remove_file(path).unwrap();
}

/// §6.4: waiting in select (or epoll) on stdin and the socket, the client
/// learns at once that the server has gone, while the user has typed
/// nothing.
#[test]
fn clients_notice_at_once_a_server_that_terminates() {
    for name in CLIENTS {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut cli = Proc::spawn_typed(name, &["127.0.0.1", &port.to_string()]);
        cli.type_line("one\n");
        let (mut conn, _) = listener.accept().unwrap();
        let mut line = String::new();
        BufReader::new(&conn).read_line(&mut line).unwrap();
        conn.write_all(line.as_bytes()).unwrap();
        assert_eq!(cli.wait_stdout("one\n"), "one\n", "{name}");
        drop(conn); // the server goes: FIN, stdin still open
        let status = cli.wait_exit();
        assert_eq!(
            cli.stderr(),
            "str_cli: server terminated prematurely\n",
            "{name}"
        );
        assert_eq!(status.code(), Some(1), "{name}");
    }
}

#[test]
fn usage_and_argument_errors() {
    let reactor_usage = "usage: tcpservreactor01 <select|poll|epoll> [port]";
    assert_usage(CLIENTS.iter().flat_map(|name| {
        [
            (*name, &[][..], "usage: tcpcli <IPaddress> [port]"),
            (*name, &["foo", "9"], "inet_pton error for foo"),
        ]
    }));
    assert_usage([
        (
            "tcpcli03",
            &["127.0.0.1", "1", "2"][..],
            "usage: tcpcli03 <IPaddress> [port]",
        ),
        (
            "tcpservepoll01",
            &["1", "2"],
            "usage: tcpservepoll01 [port]",
        ),
        (
            "tcpservepoll02",
            &["1", "2"],
            "usage: tcpservepoll02 [port]",
        ),
        ("tcpservreactor01", &[], reactor_usage),
        ("tcpservreactor01", &["kqueue"], reactor_usage),
    ]);
}

#[test]
fn clients_report_a_refused_connection() {
    let port = free_port().to_string();
    for name in CLIENTS.iter().chain(&["tcpcli03"]) {
        client(name)
            .args(["127.0.0.1", &port])
            .assert()
            .code(1)
            .stdout("")
            .stderr("connect error: Connection refused\n");
    }
}

/// `tcpcli03` shuts down the read half and pauses. On Linux the data that
/// a chargen-like server keeps sending is neither discarded nor answered
/// with an RST: it is acknowledged and queued until the client's receive
/// buffer is full, then the window closes and the sender is stuck.
#[test]
fn tcpcli03_shut_rd_queues_data_until_the_window_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cli = Proc::spawn("tcpcli03", &["127.0.0.1", &port.to_string()]);
    let (chargen, _) = listener.accept().unwrap();
    let writer = chargen.try_clone().unwrap();
    let sender = thread::spawn(move || {
        let line: Vec<u8> = (b' '..=b'~').cycle().take(72 * 1000).collect();
        let mut writer = writer;
        loop {
            if let Err(err) = writer.write_all(&line) {
                return err;
            }
        }
    });
    let (server, client) = (chargen.local_addr().unwrap(), chargen.peer_addr().unwrap());
    wait_until("the sender to be stuck on a closed window", || {
        tcp_memory(server, client).is_some_and(|mem| mem.send_buffer_full())
    });
    let queued = tcp_memory(client, server)
        .expect("tcpcli03's socket")
        .unread;
    assert!(queued > 0, "nothing queued in tcpcli03's receive buffer");
    assert!(cli.is_running(), "tcpcli03 exited: {}", cli.stderr());
    assert!(!sender.is_finished(), "the sender's write failed");
    chargen.shutdown(Shutdown::Both).unwrap();
    let err = sender.join().unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
}

// ------------------------------------------------------------- the servers

/// Out of descriptors, `accept` fails with `EMFILE` and the connection
/// stays queued. None of the servers spins on the still-readable listening
/// socket (one `accept error` line per attempt, not thousands), and none
/// strands the waiting connections (the edge-triggered server would: no new
/// edge comes for them): when a client leaves, the next one is served.
#[test]
fn servers_out_of_descriptors_neither_spin_nor_strand_clients() {
    for args in [
        &["tcpservepoll01"][..],
        &["tcpservepoll02"],
        &["tcpservreactor01", "epoll"],
        &["tcpservreactor01", "poll"],
        &["tcpservreactor01", "select"],
    ] {
        let port = free_port();
        // 0, 1, 2, the listening socket and maybe an epoll descriptor: room
        // for 3 or 4 clients.
        let script = r#"ulimit -n 9 && exec "$@""#;
        let mut cmd = Command::new("bash");
        cmd.args(["-c", script, "bash"])
            .arg(bin(args[0]))
            .args(&args[1..])
            .arg(port.to_string());
        let mut proc = Proc::spawn_cmd(&mut cmd);
        proc.wait_bound("tcp", port, "0A");

        let mut clients: Vec<TcpStream> = (0..6).map(|_| connect(port)).collect();
        for cli in &mut clients {
            cli.write_all(b"queued\n").unwrap();
        }
        let mut waiting = clients.pop().unwrap();
        wait_until("accept to fail", || proc.stderr().contains("accept error"));
        drop(clients); // they leave, the queued ones are accepted
        let mut echo = [0u8; 7];
        waiting
            .read_exact(&mut echo)
            .expect("the queued client served");
        assert_eq!(&echo, b"queued\n", "{args:?}");
        let errors = proc
            .stderr()
            .matches("accept error: Too many open files\n")
            .count();
        assert!(errors < 20, "{args:?} spins on accept: {errors} errors");
        assert!(proc.is_running(), "{args:?}");
    }
}

/// With select, descriptor 1024 cannot be watched: the reactor closes that
/// client at once and says why, where the book's server would write past
/// its `fd_set`; the others are still served.
#[test]
fn reactor_on_select_refuses_descriptor_1024() {
    let (mut proc, port) = EchoServer {
        name: "tcpservreactor01",
        args_before_port: vec!["select".into()],
        ..Default::default()
    }
    .start();
    let mut clients: Vec<TcpStream> = (0..1020).map(|_| connect(port)).collect();
    let last = clients.last_mut().unwrap();
    last.write_all(b"1020\n").unwrap();
    let mut echo = [0u8; 5];
    last.read_exact(&mut echo).unwrap();
    let mut extra = connect(port);
    let _ = extra.write_all(b"1021\n");
    let mut buf = [0u8; 8];
    assert!(matches!(extra.read(&mut buf), Ok(0) | Err(_)));
    wait_until("the refusal on stderr", || {
        proc.stderr().contains("too many clients")
    });
    assert_eq!(
        proc.stderr(),
        "too many clients: descriptor 1024 is not below FD_SETSIZE (1024)\n"
    );
    assert!(proc.is_running());
}
