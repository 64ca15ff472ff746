//! Chapter 16 tests: every program on loopback, and one test per lesson.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use socket2::{Domain, SockAddr, Socket, Type};
use unp_tests::{
    asleep_in, assert_usage, bin, blocked_in, client, connect, exchange, free_port, in_netns,
    proc_stat, server, skip_unless_root, socket_queues, tcp_memory, wait_until, TIMEOUT,
};

// ---------------------------------------------------------------- helpers

/// A test-side echo server on a free port, one thread per connection. How
/// each connection ended (end of file, or the read error: `ECONNRESET` after
/// an RST) arrives on `ends`.
struct Echo {
    port: u16,
    ends: Receiver<io::Result<()>>,
}

fn echo_server() -> Echo {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, ends) = channel();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let (mut conn, tx) = (conn.unwrap(), tx.clone());
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let end = loop {
                    match conn.read(&mut buf) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            if let Err(err) = conn.write_all(&buf[..n]) {
                                break Err(err);
                            }
                        }
                        Err(err) => break Err(err),
                    }
                };
                let _ = tx.send(end);
            });
        }
    });
    Echo { port, ends }
}

impl Echo {
    fn next_end(&self) -> io::Result<()> {
        self.ends
            .recv_timeout(TIMEOUT)
            .expect("a connection to end")
    }
}

/// `n` echo lines of different lengths.
fn lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("line {i}: {}\n", "x".repeat(i % 97)))
        .collect()
}

/// A fresh file path in the temporary directory.
fn temp_path(what: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("nonblock-{}-{n}-{what}", std::process::id()))
}

fn is_nonblocking(fd: impl AsFd) -> bool {
    let flags = OFlag::from_bits_retain(fcntl(fd.as_fd(), FcntlArg::F_GETFL).unwrap());
    flags.contains(OFlag::O_NONBLOCK)
}

/// A client whose stdin is a pipe and stdout a file, with the test's own
/// copies of both (the same open file descriptions).
struct Spawned {
    child: std::process::Child,
    /// The pipe's write end: the client's input.
    input: File,
    /// The pipe's read end, the client's stdin.
    stdin: File,
    /// The file the client's stdout writes to, and its path.
    stdout: File,
    out_path: PathBuf,
}

/// Spawn `name` with stdin a pipe and stdout a file; stderr is piped.
fn spawn_with_pipe(name: &str, args: &[&str]) -> Spawned {
    let (stdin_read, stdin_write) = nix::unistd::pipe2(OFlag::O_CLOEXEC).unwrap();
    let out_path = temp_path("stdout");
    let out = File::create(&out_path).unwrap();
    let child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::from(stdin_read.try_clone().unwrap()))
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Spawned {
        child,
        input: File::from(stdin_write),
        stdin: File::from(stdin_read),
        stdout: out,
        out_path,
    }
}

fn wait_child(child: &mut std::process::Child) -> std::process::ExitStatus {
    let mut status = None;
    wait_until("the client to exit", || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    status.unwrap()
}

fn stderr_of(child: &mut std::process::Child) -> String {
    let mut text = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

// ---------------------------------------------------------------- usage

#[test]
fn wrong_arguments_print_the_usage_line() {
    let tcpcli = "usage: tcpcli <IPaddress> [port]";
    let daytime = "usage: daytimetcpcli <IPaddress> [port]";
    assert_usage([
        ("nonblock-tcpcli01", &[][..], tcpcli),
        ("nonblock-tcpcli02", &[], tcpcli),
        ("nonblock-tcpcli03", &["1", "2", "3"], tcpcli),
        ("nonblock-tcpcli04", &[], tcpcli),
        ("nonblock-daytimetcpcli", &[], daytime),
        ("nonblock-daytimetcpcli", &["127.0.0.1", "port"], daytime),
        (
            "tcpservselect03",
            &["1", "2"],
            "usage: tcpservselect03 [port]",
        ),
        ("tcpservselect04", &["x"], "usage: tcpservselect04 [port]"),
        ("tcpservbusy01", &["70000"], "usage: tcpservbusy01 [port]"),
    ]);
    let web_usage = "usage: web <#conns> <hostname>[:port] <homepage> <file1> ...";
    assert_usage(
        [
            &["3", "localhost", "/"][..],
            &["0", "localhost", "/", "/a"],
            &["x", "localhost", "/", "/a"],
            &["3", "localhost:99999", "/", "/a"],
            &["3", "localhost:", "/", "/a"],
            &["3", "[::1", "/", "/a"],
            &["3", "[::1]x", "/", "/a"],
        ]
        .map(|args| ("web", args, web_usage)),
    );
}

#[test]
fn clients_reject_a_bad_address() {
    assert_usage(
        [
            "nonblock-tcpcli01",
            "nonblock-tcpcli02",
            "nonblock-tcpcli03",
            "nonblock-tcpcli04",
            "nonblock-daytimetcpcli",
        ]
        .map(|name| (name, &["256.1.1.1"][..], "inet_pton error for 256.1.1.1")),
    );
}

// ---------------------------------------------------------------- strclinonb

#[test]
fn tcpcli02_echoes_through_its_two_buffers() {
    let echo = echo_server();
    let input = lines(3000);
    client("nonblock-tcpcli02")
        .args(["127.0.0.1", &echo.port.to_string()])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input)
        .stderr("");
    echo.next_end().expect("a FIN, not an RST");
}

/// The sum of N over the trace lines `HH:MM:SS.uuuuuu: <verb> N bytes <what>`.
fn traced_bytes(trace: &str, verb_what: (&str, &str)) -> usize {
    trace
        .lines()
        .filter_map(|line| {
            let rest = line.get(17..)?;
            let (verb, rest) = rest.split_once(' ')?;
            let (n, what) = rest.split_once(" bytes ")?;
            (verb == verb_what.0 && what == verb_what.1).then(|| n.parse::<usize>().unwrap())
        })
        .sum()
}

#[test]
fn tcpcli02_traces_every_transfer_with_unp_trace() {
    let echo = echo_server();
    let input = lines(2000);
    let out = client("nonblock-tcpcli02")
        .args(["127.0.0.1", &echo.port.to_string()])
        .env("UNP_TRACE", "1")
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input.clone())
        .get_output()
        .clone();
    let trace = String::from_utf8(out.stderr).unwrap();
    for line in trace.lines() {
        let b = line.as_bytes();
        assert!(
            b.len() > 17
                && [2, 5].iter().all(|&i| b[i] == b':')
                && b[8] == b'.'
                && b[15..17] == *b": "
                && [0, 1, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14]
                    .iter()
                    .all(|&i| b[i].is_ascii_digit()),
            "not a gf_time trace line: {line:?}"
        );
    }
    for pair in [
        ("read", "from stdin"),
        ("wrote", "to socket"),
        ("read", "from socket"),
        ("wrote", "to stdout"),
    ] {
        assert_eq!(
            traced_bytes(&trace, pair),
            input.len(),
            "{pair:?} in\n{trace}"
        );
    }
    assert_eq!(
        trace
            .lines()
            .filter(|l| l.ends_with(": EOF on stdin"))
            .count(),
        1
    );
    assert!(
        trace.lines().last().unwrap().ends_with(": EOF on socket"),
        "{trace}"
    );
}

#[test]
fn tcpcli02_sets_stdio_nonblocking_and_restores_it_at_exit() {
    let echo = echo_server();
    let mut client = spawn_with_pipe("nonblock-tcpcli02", &["127.0.0.1", &echo.port.to_string()]);
    // O_NONBLOCK belongs to the open file description: the test's own
    // copies of the client's stdin and stdout see the client's change.
    wait_until("stdin and stdout to turn nonblocking", || {
        is_nonblocking(&client.stdin) && is_nonblocking(&client.stdout)
    });
    client.input.write_all(b"hello\n").unwrap();
    drop(client.input);
    assert!(wait_child(&mut client.child).success());
    assert!(!is_nonblocking(&client.stdin), "stdin left nonblocking");
    assert!(!is_nonblocking(&client.stdout), "stdout left nonblocking");
    assert_eq!(
        std::fs::read_to_string(&client.out_path).unwrap(),
        "hello\n"
    );
    let _ = std::fs::remove_file(client.out_path);
}

/// Run `name` against a server that accepts and closes at once, while the
/// client's stdin stays open; returns the client once it has exited, and
/// its exit code.
fn against_a_closing_server(name: &str) -> (Spawned, Option<i32>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = spawn_with_pipe(name, &["127.0.0.1", &port.to_string()]);
    drop(listener.accept().unwrap());
    let code = wait_child(&mut client.child).code();
    let _ = std::fs::remove_file(&client.out_path);
    (client, code)
}

#[test]
fn tcpcli02_restores_stdio_on_an_error_exit_too() {
    // End of file on the socket before end of file on stdin.
    let (mut client, code) = against_a_closing_server("nonblock-tcpcli02");
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr_of(&mut client.child),
        "str_cli: server terminated prematurely\n"
    );
    assert!(!is_nonblocking(&client.stdin), "stdin left nonblocking");
    assert!(!is_nonblocking(&client.stdout), "stdout left nonblocking");
}

// ---------------------------------------------------------------- strclifork

#[test]
fn tcpcli01_forks_and_exits_cleanly_after_the_childs_signal() {
    let echo = echo_server();
    let input = lines(3000);
    client("nonblock-tcpcli01")
        .args(["127.0.0.1", &echo.port.to_string()])
        .write_stdin(input.clone())
        .assert()
        .code(0) // the C's parent dies of SIGTERM
        .stdout(input)
        .stderr("");
    echo.next_end().expect("a FIN, not an RST");
}

#[test]
fn tcpcli01_child_stops_a_parent_still_reading_stdin() {
    // The server closes at once; stdin stays open. The child sees the end of
    // file and sends SIGTERM, which ends the parent blocked reading stdin.
    let (mut client, code) = against_a_closing_server("nonblock-tcpcli01");
    assert_eq!(code, Some(0));
    assert_eq!(stderr_of(&mut client.child), "");
}

// ---------------------------------------------------------------- SO_LINGER clients

#[test]
fn tcpcli04_echoes_then_ends_with_an_rst() {
    let echo = echo_server();
    client("nonblock-tcpcli04")
        .args(["127.0.0.1", &echo.port.to_string()])
        .write_stdin("one\ntwo\n")
        .assert()
        .success()
        .stdout("one\ntwo\n")
        .stderr("");
    let end = echo.next_end().expect_err("an RST, not a FIN");
    assert_eq!(end.kind(), io::ErrorKind::ConnectionReset);
}

#[test]
fn tcpcli03_connects_and_resets_at_once() {
    let echo = echo_server();
    client("nonblock-tcpcli03")
        .args(["127.0.0.1", &echo.port.to_string()])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let end = echo.next_end().expect_err("an RST, not a FIN");
    assert_eq!(end.kind(), io::ErrorKind::ConnectionReset);
}

// ---------------------------------------------------------------- connect_nonb

/// A listener on loopback with a backlog of 0 whose queue is already full:
/// Linux drops every further SYN, so a connect to it never completes.
fn full_listener() -> (Socket, TcpStream) {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let filler = TcpStream::connect(addr).unwrap();
    (listener, filler)
}

#[test]
fn connect_nonb_times_out_against_a_full_backlog() {
    let (listener, _filler) = full_listener();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let addr = listener.local_addr().unwrap();
    let err = unp::nonb::connect_nonb(sock, &addr, Some(Duration::from_millis(1500))).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ETIMEDOUT), "{err}");
}

#[test]
fn connect_nonb_reports_a_refused_connect() {
    let port = free_port();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let addr = SockAddr::from(SocketAddr::from(([127, 0, 0, 1], port)));
    let err = unp::nonb::connect_nonb(sock, &addr, Some(Duration::from_secs(10))).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED), "{err}");
}

#[test]
fn connect_nonb_connects_and_restores_blocking_mode() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let addr = SockAddr::from(listener.local_addr().unwrap());
    let sock = unp::nonb::connect_nonb(sock, &addr, None).unwrap();
    assert!(!is_nonblocking(&sock));
    assert_eq!(
        sock.peer_addr().unwrap().as_socket(),
        Some(listener.local_addr().unwrap())
    );
}

// ---------------------------------------------------------------- daytimetcpcli

#[test]
fn daytimetcpcli_prints_what_the_server_sends() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"Thu Nov 26 21:56:32 2026\r\n").unwrap();
    });
    client("nonblock-daytimetcpcli")
        .args(["127.0.0.1", &port.to_string()])
        .assert()
        .success()
        .stdout("Thu Nov 26 21:56:32 2026\r\n")
        .stderr("");
}

#[test]
fn daytimetcpcli_reports_a_refused_connect() {
    client("nonblock-daytimetcpcli")
        .args(["127.0.0.1", &free_port().to_string()])
        .assert()
        .code(1)
        .stdout("")
        .stderr("connect error: Connection refused\n");
}

#[test]
fn daytimetcpcli_reports_a_timed_out_connect_on_port_13() {
    if skip_unless_root("unshare") {
        return;
    }
    // In a private namespace: the book's port 13, a listener whose full
    // backlog drops SYNs, and SYN retries cut from 6 (about two minutes) to 1.
    in_netns(
        r#"
cd "$(mktemp -d)"
sysctl -qw net.ipv4.tcp_syn_retries=1
python3 -c '
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 13)); l.listen(0)
filler = socket.create_connection(("127.0.0.1", 13))
print("full", flush=True)
time.sleep(60)
' > full.out &
for _ in $(seq 500); do grep -q full full.out 2>/dev/null && break; sleep 0.02; done
nonblock-daytimetcpcli 127.0.0.1 || echo "exit $?"
"#,
    )
    .assert()
    .success()
    .stdout("exit 1\n")
    .stderr("connect error: Connection timed out\n");
}

// ---------------------------------------------------------------- web

/// A small HTTP/1.0 server for `web`: answers `GET /` with a home page and
/// `GET /name` with `files[name]`, then closes. The first `wave` file
/// requests are held until all of them have arrived, so `web` passes only if
/// it really has `wave` connections open at once. Every request's `Host`
/// header is kept.
struct Http {
    port: u16,
    hosts: Arc<Mutex<Vec<String>>>,
}

const HOME: &[u8] = b"<html><img src=a><img src=b></html>\n";

fn response(body: &[u8]) -> Vec<u8> {
    let mut reply =
        format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(body);
    reply
}

fn http_server(files: HashMap<String, Vec<u8>>, wave: usize) -> Http {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hosts = Arc::new(Mutex::new(Vec::new()));
    let arrived = Arc::new((Mutex::new(0usize), Condvar::new()));
    let files = Arc::new(files);
    let kept = Arc::clone(&hosts);
    thread::spawn(move || {
        for conn in listener.incoming() {
            let (conn, files, hosts, arrived) = (
                conn.unwrap(),
                Arc::clone(&files),
                Arc::clone(&kept),
                Arc::clone(&arrived),
            );
            thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap();
                let path = request.split(' ').nth(1).unwrap_or("").to_owned();
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
                    if let Some(host) = line.strip_prefix("Host: ") {
                        hosts.lock().unwrap().push(host.trim_end().to_owned());
                    }
                    line.clear();
                }
                let body = match path.as_str() {
                    "/" => HOME.to_vec(),
                    name => {
                        let (count, all_here) = &*arrived;
                        let mut count = count.lock().unwrap();
                        *count += 1;
                        let mine = *count;
                        all_here.notify_all();
                        if mine <= wave {
                            let (count, timeout) = all_here
                                .wait_timeout_while(count, TIMEOUT, |n| *n < wave)
                                .unwrap();
                            drop(count);
                            assert!(
                                !timeout.timed_out(),
                                "web never had {wave} requests open at once"
                            );
                        }
                        files[&name[1..]].clone()
                    }
                };
                let mut conn = conn;
                conn.write_all(&response(&body)).unwrap();
            });
        }
    });
    Http { port, hosts }
}

/// The sum of N over the lines `<prefix>N bytes<suffix>` of `out`.
fn sum_reads(out: &str, prefix: &str, suffix: &str) -> usize {
    out.lines()
        .filter_map(|l| {
            l.strip_prefix(prefix)?
                .strip_suffix(suffix)?
                .strip_suffix(" bytes")?
                .parse::<usize>()
                .ok()
        })
        .sum()
}

#[test]
fn web_fetches_files_in_parallel_and_each_arrives_whole() {
    let names = ["a.gif", "b.gif", "c.gif", "d.gif", "e.gif"];
    let files: HashMap<String, Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_string(), vec![b'a' + i as u8; 20_000 + 15_000 * i]))
        .collect();
    let http = http_server(files.clone(), 3);
    let host = format!("127.0.0.1:{}", http.port);
    let mut args = vec!["3".to_owned(), host.clone(), "/".to_owned()];
    args.extend(names.iter().map(|n| format!("/{n}")));
    let out = client("web")
        .args(&args)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();

    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "nfiles = 5");
    assert_eq!(
        sum_reads(&out, "read ", " of home page"),
        response(HOME).len(),
        "{out}"
    );
    let home_end = lines
        .iter()
        .position(|l| *l == "end-of-file on home page")
        .unwrap();
    assert!(
        lines[1..home_end].iter().all(|l| l.starts_with("read ")),
        "{out}"
    );
    let get_len = format!("GET /a.gif HTTP/1.0\r\nHost: {host}\r\n\r\n").len();
    for name in names {
        let f = format!("/{name}");
        let count = |line: &str| lines.iter().filter(|l| **l == line).count();
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("start_connect for {f}, fd ")))
                .count(),
            1,
            "{out}"
        );
        assert_eq!(
            count(&format!("connection established for {f}")),
            1,
            "{out}"
        );
        assert_eq!(count(&format!("wrote {get_len} bytes for {f}")), 1, "{out}");
        assert_eq!(
            sum_reads(&out, "read ", &format!(" from {f}")),
            response(&files[name]).len(),
            "{f}: {out}"
        );
        assert_eq!(count(&format!("end-of-file on {f}")), 1, "{out}");
    }
    // Three connections were going before the first file ended.
    let first_end = lines
        .iter()
        .position(|l| l.starts_with("end-of-file on /"))
        .unwrap();
    let started = lines[..first_end]
        .iter()
        .filter(|l| l.starts_with("start_connect"))
        .count();
    assert_eq!(started, 3, "{out}");
    assert_eq!(*http.hosts.lock().unwrap(), vec![host; 6]);
}

#[test]
fn web_reports_a_failed_nonblocking_connect_and_goes_on() {
    // The server stops listening once it has the home page's connection,
    // then answers it: each file's connect, made after the home page has
    // ended, is refused. (Closing the listener only after the answer would
    // let a file's connection into its queue, to be reset.)
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        drop(listener);
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && !line.ends_with("\r\n\r\n") {}
        let mut conn = conn;
        conn.write_all(&response(HOME)).unwrap();
        conn.shutdown(Shutdown::Write).unwrap();
    });
    let out = client("web")
        .args(["2", &format!("127.0.0.1:{port}"), "/", "/a", "/b"])
        .assert()
        .success()
        .stderr("nonblocking connect failed for /a: Connection refused\nnonblocking connect failed for /b: Connection refused\n")
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("nfiles = 2\nread "), "{out}");
    assert!(!out.contains("connection established"), "{out}");
    server.join().unwrap();
}

#[test]
fn web_reports_a_refused_home_page() {
    let port = free_port();
    client("web")
        .args(["2", &format!("127.0.0.1:{port}"), "/", "/a"])
        .assert()
        .code(1)
        .stdout("nfiles = 1\n")
        .stderr(format!(
            "tcp_connect error for 127.0.0.1, {port}: Connection refused\n"
        ));
}

#[test]
fn web_uses_port_80_by_default_and_a_bracketed_ipv6_port() {
    if skip_unless_root("unshare") {
        return;
    }
    // In a private namespace, where port 80 is free: Python's HTTP server.
    in_netns(
        r#"
dir=$(mktemp -d); cd "$dir"
printf 'hello\n' > a.txt
python3 -m http.server 80 --bind 127.0.0.1 > /dev/null 2>&1 &
python3 -m http.server 8080 --bind ::1 > /dev/null 2>&1 &
wait_listen 80; wait_listen 8080
web 1 127.0.0.1 / /a.txt | grep -c '^end-of-file on '
web 1 '[::1]:8080' / /a.txt | grep -c '^end-of-file on '
"#,
    )
    .assert()
    .success()
    .stdout("2\n2\n");
}

// ---------------------------------------------------------------- the accept race

/// The descriptor number of `pid`'s socket that listens on `port`, from
/// `/proc/net/tcp` (its inode) and `/proc/<pid>/fd`.
fn listening_fd(pid: i32, port: u16) -> i32 {
    let local = format!(":{port:04X}");
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let inode = tcp
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f[1].ends_with(&local) && f[3] == "0A")
        .map(|f| f[9].to_owned())
        .expect("the listening socket");
    let target = format!("socket:[{inode}]");
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.to_str() == Some(&target)))
        .and_then(|e| e.file_name().to_str()?.parse().ok())
        .expect("the server's descriptor")
}

/// A copy of the server's listening socket, taken with `pidfd_getfd(2)`:
/// the test becomes a second process sharing it, able to accept the
/// connection the server's `select` announced.
fn share_listener(pid: i32, port: u16) -> TcpListener {
    let fd = listening_fd(pid, port);
    // SAFETY: pidfd_open and pidfd_getfd take plain integers and return a
    // new descriptor (or -1), which is owned from here on.
    unsafe {
        let pidfd = libc::syscall(libc::SYS_pidfd_open, pid, 0);
        assert!(pidfd >= 0, "pidfd_open: {}", io::Error::last_os_error());
        let pidfd = OwnedFd::from_raw_fd(pidfd as i32);
        let copy = libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0);
        assert!(copy >= 0, "pidfd_getfd: {}", io::Error::last_os_error());
        TcpListener::from(OwnedFd::from_raw_fd(copy as i32))
    }
}

/// Whether `pid` is blocked in `accept` or `accept4`, per `/proc/<pid>/syscall`.
fn in_accept(pid: i32) -> bool {
    blocked_in(pid).is_some_and(|nr| nr == libc::SYS_accept4 || nr == libc::SYS_accept)
}

fn readable_count(out: &str) -> usize {
    out.matches("listening socket readable\n").count()
}

/// Start `name`, connect client A (served after the server's 5-second
/// pause) and, with `nonblock-tcpcli03`, a client that resets at once.
/// While the server sleeps between `select` and `accept`, the test takes the
/// reset connection off the shared queue, as a Berkeley kernel does.
/// Returns the server and A, the server about to call `accept` on an empty
/// queue.
fn race(name: &str) -> (unp_tests::Proc, TcpStream, u16) {
    let port = free_port();
    let serv = server(name, &[&port.to_string()], port);
    let mut a = connect(port);
    exchange(&mut a, b"first\n", b"first\n");
    let thief = share_listener(serv.pid(), port);

    client("nonblock-tcpcli03")
        .args(["127.0.0.1", &port.to_string()])
        .assert()
        .success();
    wait_until("the second `listening socket readable`", || {
        readable_count(&serv.stdout()) == 2
    });
    let (mut reset, _) = thief.accept().unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        reset.read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::ConnectionReset
    );
    (serv, a, port)
}

#[test]
fn tcpservselect03_blocks_in_accept_and_starves_its_clients() {
    let (serv, mut a, port) = race("tcpservselect03");
    wait_until("the server to block in accept", || in_accept(serv.pid()));
    a.write_all(b"second\n").unwrap();
    // A's line reaches the server's socket and stays there unread, while
    // the server sleeps in accept with nothing to wake it.
    let unread = || {
        tcp_memory(a.peer_addr().unwrap(), a.local_addr().unwrap())
            .expect("the server's end of A")
            .unread
    };
    wait_until("A's line to reach the server", || {
        unread() == 7 || socket_queues(&a).0 > 0
    });
    assert!(
        asleep_in(serv.pid(), &[libc::SYS_accept, libc::SYS_accept4]),
        "still in accept"
    );
    assert_eq!(unread(), 7, "no echo while blocked in accept");

    // Only the next connection lets accept return, and A is served again.
    let _b = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut got = [0u8; 7];
    a.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"second\n");
}

#[test]
fn tcpservselect04_ignores_the_vanished_connection_and_serves_on() {
    let (serv, mut a, _port) = race("tcpservselect04");
    exchange(&mut a, b"second\n", b"second\n"); // no new connection needed
    assert_eq!(readable_count(&serv.stdout()), 2);
}

#[test]
fn tcpservselect03_on_linux_accepts_the_reset_connection_and_serves_on() {
    // Without a second acceptor, Linux keeps the reset connection queued:
    // accept returns it, its read fails with ECONNRESET, the server goes on.
    let port = free_port();
    let serv = server("tcpservselect03", &[&port.to_string()], port);
    client("nonblock-tcpcli03")
        .args(["127.0.0.1", &port.to_string()])
        .assert()
        .success();
    serv.wait_stdout("listening socket readable\n");
    client("nonblock-tcpcli04")
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("after the reset\n")
        .assert()
        .success()
        .stdout("after the reset\n");
    assert_eq!(readable_count(&serv.stdout()), 2);
}

// ---------------------------------------------------------------- busy polling

/// (CPU ticks used, voluntary context switches) of `pid`.
fn cpu_and_sleeps(pid: i32) -> (u64, u64) {
    let fields = proc_stat(pid).expect("the server's /proc/<pid>/stat");
    let ticks = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let sleeps = status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (ticks, sleeps)
}

#[test]
fn tcpservbusy01_echoes_correctly() {
    let port = free_port();
    let _serv = server("tcpservbusy01", &[&port.to_string()], port);
    let input = lines(3000);
    client("nonblock-tcpcli02")
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input);
    client("nonblock-tcpcli04")
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("one\n")
        .assert()
        .success()
        .stdout("one\n");
}

#[test]
fn tcpservbusy01_burns_a_cpu_while_idle_and_select_does_not() {
    let (busy_port, select_port) = (free_port(), free_port());
    let busy = server("tcpservbusy01", &[&busy_port.to_string()], busy_port);
    let idle = server("tcpservselect04", &[&select_port.to_string()], select_port);
    let clk_tck = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .unwrap()
        .unwrap() as u64;
    let (busy_start, busy_sleeps) = cpu_and_sleeps(busy.pid());
    let (idle_start, _) = cpu_and_sleeps(idle.pid());
    // Half a second of CPU with no client at all, and never once asleep.
    wait_until("the busy server to use half a second of CPU", || {
        cpu_and_sleeps(busy.pid()).0 >= busy_start + clk_tck / 2
    });
    assert_eq!(
        cpu_and_sleeps(busy.pid()).1,
        busy_sleeps,
        "the busy server slept"
    );
    assert!(
        cpu_and_sleeps(idle.pid()).0 <= idle_start + 1,
        "the select server used CPU"
    );
}

/// At end of file on the socket, nonblock-tcpcli02 still owes stdout what
/// stdout could not take: the figure returns there and loses it. Here the
/// pipe to stdout is not read until the client has seen the server's FIN:
/// 64 KiB fill the pipe, the last KiB waits in `fr`, and must still come out.
#[test]
fn nonblock_tcpcli02_writes_what_stdout_still_owes_at_the_servers_end() {
    const PIPE: usize = 65536; // Linux's default pipe capacity
    let input: Vec<u8> = (0..PIPE + 1024).map(|i| b"abcdefghij\n"[i % 11]).collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let echo = thread::spawn(move || {
        // Read it all, echo it all, close: every byte and the FIN are then
        // on their way to the client whatever it does.
        let (mut sock, _) = listener.accept().unwrap();
        let mut all = Vec::new();
        sock.read_to_end(&mut all).unwrap();
        sock.write_all(&all).unwrap();
    });
    let mut child = Command::new(bin("nonblock-tcpcli02"))
        .args(["127.0.0.1", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    echo.join().unwrap();
    // The client has the FIN: it has exited (the C's way, with the last KiB
    // lost) or sleeps in select for room in the pipe.
    wait_until("the client to exit or wait for stdout", || {
        matches!(child.try_wait(), Ok(Some(_)))
            || asleep_in(pid, &[libc::SYS_select, libc::SYS_pselect6])
    });
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut output)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(output.len(), input.len(), "bytes written to stdout");
    assert!(output == input);
}
