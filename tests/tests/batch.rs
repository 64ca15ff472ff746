//! The book's `str_cli` versions side by side (§16.2): a file of several
//! thousand lines piped into each one comes back whole, and through a path
//! with latency the stop-and-wait version of chapter 5 is far slower than
//! the three that keep the pipe full.
//!
//! Build first: `cargo build -p tcpcliserv -p select -p nonblock`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use unp_tests::{client, free_port, server, DelayProxy};

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

#[test]
fn through_a_slow_path_stop_and_wait_is_far_slower() {
    let port = free_port();
    let _serv = server("tcpserv04", &[&port.to_string()], port);
    // A path with latency: every byte (and the end of file) delivered 20 ms
    // after it arrived, in each direction, with no limit on the bytes in
    // flight: a long, fast pipe.
    let delayed =
        DelayProxy::start(([127, 0, 0, 1], port).into(), Duration::from_millis(20)).expect("proxy");
    let proxy = delayed.addr().port();
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
