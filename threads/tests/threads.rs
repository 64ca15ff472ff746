//! Chapter 26 tests: the threaded echo client and servers, the threaded web
//! clients against a web server inside the test, the counter with and
//! without its mutex, the producer and consumer, and the thread-specific
//! `readline`.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use unp_tests::{
    assert_dies_of_sigpipe, assert_usage, client, connect, exchange, free_port, server, Proc,
    TIMEOUT,
};

/// Run `name` with `args` to a successful end, with nothing on stderr:
/// its stdout.
fn output_of(name: &str, args: &[&str]) -> String {
    let out = client(name).args(args).assert().success().stderr("");
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

// ------------------------------------------------------------- echo

const SERVERS: [&str; 2] = ["threads-tcpserv01", "threads-tcpserv02"];

fn start(name: &str) -> (Proc, String) {
    let port = free_port();
    let proc = server(name, &[&port.to_string()], port);
    (proc, port.to_string())
}

#[test]
fn tcpcli01_and_02_echo_through_both_servers() {
    let input = "hello\n\nbinary \0 byte\nno newline";
    for srv in SERVERS {
        let (_srv, port) = start(srv);
        for cli in ["threads-tcpcli01", "threads-tcpcli02"] {
            client(cli)
                .args(["127.0.0.1", &port])
                .write_stdin(input)
                .assert()
                .success()
                .stdout(input)
                .stderr("");
        }
    }
}

/// A thread per client: the second client is served while the first is
/// still connected. An iterative server would leave the second waiting.
#[test]
fn servers_serve_a_second_client_while_the_first_stays() {
    for srv in SERVERS {
        let (_srv, port) = start(srv);
        let mut first = connect(&port);
        exchange(&mut first, b"first\n", b"first\n");
        let mut second = connect(&port);
        exchange(&mut second, b"second\n", b"second\n");
        exchange(&mut first, b"again\n", b"again\n");
    }
}

/// The copying thread sends the whole input without waiting for any echo:
/// this server echoes nothing until the client's FIN. A stop-and-wait
/// client (Figure 5.5) would wait for ever for its first echo.
#[test]
fn tcpcli01_sends_everything_before_the_first_echo() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut all = Vec::new();
        conn.read_to_end(&mut all).unwrap();
        conn.write_all(&all).unwrap();
    });
    let input = "one\ntwo\nthree\n".repeat(1000);
    client("threads-tcpcli01")
        .args(["127.0.0.1", &port])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input)
        .stderr("");
    server.join().unwrap();
}

/// The server closes while stdin is still open: tcpcli01 exits 0 in
/// silence, tcpcli02's `done` flag tells it the server went first.
#[test]
fn tcpcli02_notices_a_server_that_ends_first() {
    for (cli, code, stderr) in [
        ("threads-tcpcli01", 0, ""),
        ("threads-tcpcli02", 1, "server terminated prematurely\n"),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port().to_string();
        let mut proc = Proc::spawn_typed(cli, &["127.0.0.1", &port]);
        let (conn, _) = listener.accept().unwrap();
        drop(conn);
        let status = proc.wait_exit();
        assert_eq!(status.code(), Some(code), "{cli}");
        assert_eq!(proc.stdout(), "", "{cli}");
        assert_eq!(proc.stderr(), stderr, "{cli}");
    }
}

/// `threads-tcpcli01 ... | head -c 0`: the clients die of SIGPIPE at their
/// first echo, silently, as the C does; with Rust's SIGPIPE ignored they
/// said `fputs error: Broken pipe` and exited 1.
#[test]
fn clients_die_of_sigpipe_when_nobody_reads_stdout() {
    let (_srv, port) = start("threads-tcpserv01");
    for cli in ["threads-tcpcli01", "threads-tcpcli02"] {
        assert_dies_of_sigpipe(cli, &["127.0.0.1", &port], b"hello\nworld\n");
    }
}

// ------------------------------------------------------------- web

/// A web server on a free port, one thread per request. `/slow` is answered
/// only once the gate opens; every path requested is sent on `requests`.
struct Web {
    port: u16,
    requests: Receiver<String>,
    gate: Arc<(Mutex<bool>, Condvar)>,
}

fn web_server() -> Web {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, requests) = channel();
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let server_gate = Arc::clone(&gate);
    thread::spawn(move || {
        for conn in listener.incoming() {
            let (conn, tx, gate) = (conn.unwrap(), tx.clone(), Arc::clone(&server_gate));
            thread::spawn(move || serve(conn, &tx, &gate));
        }
    });
    Web {
        port,
        requests,
        gate,
    }
}

fn serve(mut conn: TcpStream, tx: &std::sync::mpsc::Sender<String>, gate: &(Mutex<bool>, Condvar)) {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
        request.push(byte[0]);
    }
    let request = String::from_utf8(request).unwrap();
    let path = request.split(' ').nth(1).unwrap().to_string();
    assert_eq!(request, format!("GET {path} HTTP/1.0\r\n\r\n"));
    let _ = tx.send(path.clone());
    if path == "/slow" {
        let (open, cond) = gate;
        let guard = cond
            .wait_while(open.lock().unwrap(), |open| !*open)
            .unwrap();
        drop(guard);
    }
    let _ = conn.write_all(format!("HTTP/1.0 200 OK\r\n\r\n{path}\n").as_bytes());
    let _ = conn.shutdown(Shutdown::Both);
}

impl Web {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn open_gate(&self) {
        let (open, cond) = &*self.gate;
        *open.lock().unwrap() = true;
        cond.notify_all();
    }
}

/// Open the gate of `/slow` once `/third` has been requested.
fn open_gate_after_third(web: Web) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while let Ok(path) = web.requests.recv_timeout(TIMEOUT) {
            if path == "/third" {
                web.open_gate();
                return;
            }
        }
        panic!("/third was never requested");
    })
}

/// The line of `out` that starts with `prefix`, by its index.
fn line_index(out: &str, prefix: &str) -> usize {
    out.lines()
        .position(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{out}"))
}

/// Each line a client prints for one file, the thread IDs left out.
fn file_lines(out: &str, file: &str) -> Vec<String> {
    out.lines()
        .filter(|line| line.ends_with(file) || line.contains(&format!("for {file},")))
        .map(|line| match line.split_once(", fd ") {
            Some((head, _)) => head.to_string(),
            None => line.to_string(),
        })
        .collect()
}

/// web02 and web03 wait for any thread: `/fast` ends while `/slow` is still
/// running, its slot goes to `/third` at once, and only the request for
/// `/third` opens the gate of `/slow`. web01, which joins the oldest
/// thread (`/slow`) first, would never start `/third`: this test fails for
/// it (at the timeout).
#[test]
fn web02_and_web03_start_the_next_file_when_any_thread_ends() {
    for (name, done) in [("web02", "thread id"), ("web03", "thread")] {
        let web = web_server();
        let host = web.host();
        let gate = open_gate_after_third(web);
        let out = output_of(name, &["2", &host, "/", "/slow", "/fast", "/third"]);
        gate.join().unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[..3],
            [
                "nfiles = 3",
                "read 21 bytes of home page",
                "end-of-file on home page"
            ],
            "{name}"
        );
        let fast_done = line_index(&out, &format!("{done} "));
        assert!(
            lines[fast_done].ends_with(" for /fast done"),
            "{name}:\n{out}"
        );
        assert!(
            fast_done < line_index(&out, "do_get_read for /third"),
            "{name}:\n{out}"
        );
        for file in ["/slow", "/fast", "/third"] {
            let read = format!("read {} bytes from {file}", 19 + file.len() + 1);
            assert_eq!(
                file_lines(&out, file),
                [
                    format!("do_get_read for {file}"),
                    format!("wrote {} bytes for {file}", 17 + file.len()),
                    read,
                    format!("end-of-file on {file}"),
                ],
                "{name}:\n{out}"
            );
        }
        assert_eq!(out.matches(" done\n").count(), 3, "{name}:\n{out}");
    }
}

/// web01 joins the oldest thread: `/fast` has ended, but its thread is not
/// joined and `/third` not started until `/slow` is done.
#[test]
fn web01_waits_for_the_oldest_thread() {
    let web = web_server();
    let mut proc = Proc::spawn(
        "web01",
        &["2", &web.host(), "/", "/slow", "/fast", "/third"],
    );
    proc.wait_stdout("end-of-file on /fast\n");
    let asked: HashSet<String> = web.requests.try_iter().collect();
    assert!(
        !asked.contains("/third"),
        "/third requested before /slow ended"
    );
    assert!(
        !proc.stdout().contains(" for /fast done"),
        "{}",
        proc.stdout()
    );
    web.open_gate();
    assert!(proc.wait_exit().success(), "{}", proc.stderr());
    let out = proc.stdout();
    let slow_done = line_index(&out, "thread id ");
    assert!(
        out.lines()
            .nth(slow_done)
            .unwrap()
            .ends_with(" for /slow done"),
        "{out}"
    );
    assert!(
        line_index(&out, "end-of-file on /slow") < line_index(&out, "do_get_read for /third"),
        "{out}"
    );
    assert_eq!(out.matches(" done\n").count(), 3, "{out}");
    assert_eq!(proc.stderr(), "");
}

// ------------------------------------------------------------- counters

/// The values each thread printed (`<thread ID>: <value>`), in order.
fn counter_values(name: &str) -> Vec<u32> {
    let out = output_of(name, &[]);
    let ids: HashSet<&str> = out.lines().map(|l| l.split(": ").next().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{name}: two threads");
    out.lines()
        .map(|line| line.split(": ").nth(1).unwrap().parse().unwrap())
        .collect()
}

/// Without the mutex, the two threads fetch the same value and store it
/// plus one: some value is printed twice and the count ends short. The
/// `sched_yield` between fetch and store makes this certain in practice;
/// three runs leave room for a scheduler that never switches.
#[test]
fn example01_loses_increments() {
    let lost = (0..3).any(|_| {
        let values = counter_values("example01");
        assert_eq!(values.len(), 10000);
        let distinct: HashSet<u32> = values.iter().copied().collect();
        distinct.len() < 10000
    });
    assert!(lost, "example01 lost no increment in three runs");
}

/// With the mutex, every value from 1 to 10000 is printed once, in order.
/// `example01 | head -1` ends when `head` does, as in C: the counters die
/// of SIGPIPE instead of running on, unseen.
#[test]
fn examples_die_of_sigpipe_when_nobody_reads_stdout() {
    for name in ["example01", "example02", "example03"] {
        assert_dies_of_sigpipe(name, &[], b"");
    }
}

#[test]
fn example02_loses_nothing() {
    let values = counter_values("example02");
    assert_eq!(values.len(), 10000);
    if let Some(i) = (0..values.len()).find(|&i| values[i] != i as u32 + 1) {
        panic!("line {}: {}, expected {}", i + 1, values[i], i + 1);
    }
}

/// The consumer takes 0 to 49 in order, never before they are produced,
/// and the producer is never more than 10 items ahead.
#[test]
fn example03_producer_and_consumer_keep_the_ring_bounded() {
    let out = output_of("example03", &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("main, addr(stack) = 0x"), "{out}");
    let (mut produced, mut consumed) = (0, 0);
    for line in &lines[1..] {
        if let Some(n) = line.strip_prefix("produce ") {
            assert_eq!(n.parse::<i32>().unwrap(), produced);
            produced += 1;
        } else if let Some(n) = line.strip_prefix("consume ") {
            assert_eq!(n.parse::<i32>().unwrap(), consumed);
            consumed += 1;
        } else {
            assert!(line.contains("_loop thread, addr(stack) = 0x"), "{line}");
        }
        assert!((0..=10).contains(&(produced - consumed)), "{out}");
    }
    assert_eq!((produced, consumed), (50, 50));
}

// ------------------------------------------------------------- readline

/// Four threads copy one file five times each with the per-thread
/// `readline`: every copy is exact.
#[test]
fn test04g_threads_copy_a_file_with_their_own_readline() {
    let dir = std::env::temp_dir().join(format!("test04g-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input: String = (0..20000)
        .map(|i| format!("line {i} {}\n", "x".repeat(i % 97)))
        .collect();
    std::fs::write(dir.join("input"), &input).unwrap();
    let mut cmd = std::process::Command::new(unp_tests::bin("test04g"));
    cmd.current_dir(&dir).args(["input", "4"]);
    let proc = Proc::spawn_cmd(&mut cmd);
    unp_tests::wait_until("four threads done", || {
        proc.stdout().matches(" done\n").count() == 4
    });
    let mut copies = 0;
    for line in proc.stdout().lines() {
        let id = line
            .strip_prefix("thread ")
            .unwrap()
            .strip_suffix(" done")
            .unwrap();
        let copy = std::fs::read_to_string(dir.join(format!("temp.{id}"))).unwrap();
        assert!(
            copy == input.repeat(5),
            "temp.{id} is not five copies of the input"
        );
        copies += 1;
    }
    assert_eq!(copies, 4);
    drop(proc);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ------------------------------------------------------------- usage

#[test]
fn bad_arguments_print_usage() {
    let web_usage =
        |name: &str| format!("usage: {name} <#conns> <IPaddr>[:port] <homepage> file1 ...");
    assert_usage([
        ("threads-tcpcli01", &[][..], "usage: threads-tcpcli01 <hostname> <service>".to_string()),
        ("threads-tcpcli02", &["a"], "usage: threads-tcpcli02 <hostname> <service>".to_string()),
        ("threads-tcpserv01", &[], "usage: threads-tcpserv01 [ <host> ] <service or port>".to_string()),
        ("threads-tcpserv02", &["a", "b", "c"], "usage: threads-tcpserv02 [ <host> ] <service or port>".to_string()),
        ("web01", &["2", "h", "/"], web_usage("web01")),
        ("web02", &["0", "h", "/", "/a"], web_usage("web02")),
        ("web03", &["x", "h", "/", "/a"], web_usage("web03")),
        ("test04g", &["f"], "usage: test04g <input-file> <#threads>".to_string()),
        ("test04g", &["f", "x"], "usage: test04g <input-file> <#threads>".to_string()),
        (
            "threads-tcpcli01",
            &["127.0.0.1", "no-such-service"],
            "tcp_connect error for 127.0.0.1, no-such-service: Servname not supported for ai_socktype".to_string(),
        ),
    ]);
}
