//! The book's `str_cli` versions side by side (§16.2): a file of several
//! thousand lines piped into each one comes back whole, and through a path
//! with latency the stop-and-wait version of chapter 5 is far slower than
//! the three that keep the pipe full.
//!
//! Build first: `cargo build -p tcpcliserv -p select -p nonblock`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::thread;
use std::time::{Duration, Instant};

use unp_tests::{client, free_port, server};

/// Every `str_cli` of the book that a batch file goes through, in the
/// book's order, with the chapter 5 stop-and-wait client first.
const CLIENTS: [(&str, &str); 4] = [
    ("tcpcli01", "stop-and-wait (Fig 5.5)"),
    ("tcpcli02", "select, blocking I/O (Fig 6.13)"),
    ("nonblock-tcpcli02", "nonblocking I/O (Figs 16.3-16.5)"),
    ("nonblock-tcpcli01", "fork (Fig 16.10)"),
];

/// A file of `n` lines of different lengths; returns its path and text.
fn batch_file(n: usize) -> (PathBuf, String) {
    let text: String = (0..n)
        .map(|i| format!("{i:05} {}\n", "abcdefghij".repeat(i % 13)))
        .collect();
    let path = std::env::temp_dir().join(format!("batch-{}-{n}.lines", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// Run `name <127.0.0.1> <port> < file`, check that the echo is the file,
/// and return how long it took.
fn run_batch(name: &str, port: u16, file: &PathBuf, text: &str) -> Duration {
    let start = Instant::now();
    client(name)
        .args(["127.0.0.1", &port.to_string()])
        .pipe_stdin(file)
        .unwrap()
        .assert()
        .success()
        .stdout(text.to_owned())
        .stderr("");
    start.elapsed()
}

#[test]
fn every_str_cli_echoes_a_batch_file_whole() {
    let port = free_port();
    let _serv = server("tcpserv04", &[&port.to_string()], port);
    let (file, text) = batch_file(5000);
    for (name, what) in CLIENTS {
        let took = run_batch(name, port, &file, &text);
        eprintln!("loopback, 5000 lines: {name:18} {what:35} {took:?}");
    }
    let _ = std::fs::remove_file(file);
}

/// A path with latency: a proxy on a free port that forwards each
/// connection to `target`, every byte (and the end of file) delivered
/// `delay` after it arrived, in each direction, with no limit on the bytes
/// in flight: a long, fast pipe.
fn delay_proxy(target: u16, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let Ok(upstream) = TcpStream::connect(("127.0.0.1", target)) else {
                continue;
            };
            for sock in [&conn, &upstream] {
                sock.set_nodelay(true).unwrap();
            }
            let (conn2, upstream2) = (conn.try_clone().unwrap(), upstream.try_clone().unwrap());
            thread::spawn(move || forward_late(conn, upstream, delay));
            thread::spawn(move || forward_late(upstream2, conn2, delay));
        }
    });
    port
}

/// Copy `from` to `to`, each chunk written `delay` after it was read; an
/// empty chunk stands for the end of file, passed on as a FIN.
fn forward_late(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (queue, due) = channel::<(Instant, Vec<u8>)>();
    let writer = thread::spawn(move || {
        for (when, chunk) in due {
            thread::sleep(when.saturating_duration_since(Instant::now()));
            if chunk.is_empty() || to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 16384];
    loop {
        let n = from.read(&mut buf).unwrap_or(0);
        if queue
            .send((Instant::now() + delay, buf[..n].to_vec()))
            .is_err()
            || n == 0
        {
            break;
        }
    }
    let _ = writer.join();
}

#[test]
fn through_a_slow_path_stop_and_wait_is_far_slower() {
    let port = free_port();
    let _serv = server("tcpserv04", &[&port.to_string()], port);
    let proxy = delay_proxy(port, Duration::from_millis(20));
    // 150 lines: stop-and-wait needs at least 150 round trips of 40 ms, 6 s;
    // the others fill the pipe and need a few round trips.
    let (file, text) = batch_file(150);
    let took: Vec<Duration> = CLIENTS
        .iter()
        .map(|(name, what)| {
            let took = run_batch(name, proxy, &file, &text);
            eprintln!("20 ms each way, 150 lines: {name:18} {what:35} {took:?}");
            took
        })
        .collect();
    let _ = std::fs::remove_file(file);
    let stop_and_wait = took[0];
    for ((name, _), t) in CLIENTS.iter().zip(&took).skip(1) {
        assert!(
            stop_and_wait >= 3 * *t,
            "stop-and-wait took {stop_and_wait:?}, {name} {t:?}: not 3 times slower"
        );
    }
}
