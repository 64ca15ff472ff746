//! The lab's own tests: the load generator against echo servers written
//! here (a good one, a corrupting one, one that hangs up), the tokio peer,
//! and a whole (tiny) lab run that must leave a report, a CSV and charts.
//! Nothing here asserts a speed.

use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::thread;
use std::time::Duration;

use lab::loadgen::{Loadgen, Options};
use unp_tests::{assert_usage, free_port, server};

const LOADGEN: &str = env!("CARGO_BIN_EXE_lab-loadgen");
const LAB: &str = env!("CARGO_BIN_EXE_lab");
const WAIT: Duration = Duration::from_secs(20);

/// A thread-per-connection server on a free port that answers every read
/// with `reply(bytes read)`; `None` hangs up.
fn test_server(reply: fn(&[u8]) -> Option<Vec<u8>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = sock.read(&mut buf) {
                    match reply(&buf[..n]) {
                        Some(out) if sock.write_all(&out).is_ok() => {}
                        _ => return,
                    }
                }
            });
        }
    });
    addr
}

fn options(addr: SocketAddr, conns: usize, idle: usize) -> Options {
    Options {
        addr,
        conns,
        idle,
        size: 64,
        warmup: Duration::from_millis(50),
        duration: Duration::from_millis(200),
    }
}

#[test]
fn loadgen_measures_round_trips_against_an_echo_server() {
    let addr = test_server(|req| Some(req.to_vec()));
    let mut gen = Loadgen::start(Path::new(LOADGEN), &options(addr, 4, 3), None, WAIT).unwrap();
    let run = gen.measure(WAIT).unwrap();
    gen.close(WAIT).unwrap();
    assert!(run.round_trips > 0, "{run:?}");
    assert!(run.secs >= 0.2, "{run:?}");
    let l = run.latency;
    assert!(
        0.0 < l.p50_us && l.p50_us <= l.p90_us && l.p90_us <= l.p99_us && l.p99_us <= l.max_us,
        "{l:?}"
    );
}

#[test]
fn loadgen_rejects_a_reply_that_differs() {
    let addr = test_server(|req| Some(req.iter().map(|b| b.to_ascii_uppercase()).collect()));
    let err = Loadgen::start(Path::new(LOADGEN), &options(addr, 1, 0), None, WAIT)
        .err()
        .expect("a corrupting server must fail the run");
    assert!(
        format!("{err:#}").contains("the reply differs from the request"),
        "{err:#}"
    );
}

#[test]
fn loadgen_fails_when_the_server_hangs_up() {
    // Echoes the first request, the one that proves the connection, then
    // hangs up: a FIN (shutdown), and every later request read and dropped
    // until the loadgen closes. Closing with a request unread would send an
    // RST instead, and the loadgen would see ECONNRESET or end of file
    // depending on when it reads.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let Ok((mut sock, _)) = listener.accept() else {
            return;
        };
        let mut buf = [0u8; 64];
        if sock.read_exact(&mut buf).is_ok() && sock.write_all(&buf).is_ok() {
            let _ = sock.shutdown(Shutdown::Write);
            let _ = std::io::copy(&mut sock, &mut std::io::sink());
        }
    });
    let err = Loadgen::start(Path::new(LOADGEN), &options(addr, 1, 0), None, WAIT)
        .err()
        .expect("a server that hangs up must fail the run");
    assert!(
        format!("{err:#}").contains("the server closed a connection"),
        "{err:#}"
    );
}

#[test]
fn loadgen_and_tokio_peer_print_their_usage() {
    assert_usage([
        ("lab-loadgen", &["127.0.0.1:1"][..], lab::loadgen::USAGE),
        (
            "lab-tokio-echo",
            &["1", "2"],
            "usage: lab-tokio-echo [port]",
        ),
    ]);
}

#[test]
fn tokio_peer_echoes_and_survives_a_reset() {
    let port = free_port();
    let _server = server("lab-tokio-echo", &[&port.to_string()], port);
    // A client that resets its connection (SO_LINGER 0) must not stop it.
    unp_tests::reset(TcpStream::connect(("127.0.0.1", port)).unwrap());
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(WAIT)).unwrap();
    sock.write_all(b"hello, tokio\n").unwrap();
    let mut back = [0u8; 13];
    sock.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"hello, tokio\n");
}

#[test]
fn a_tiny_lab_run_writes_report_csv_and_charts() {
    let root = std::env::temp_dir().join(format!("lab-run-test-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let out = root.join("run");
    let args = [
        "--no-build",
        "--only",
        "echo",
        "--servers",
        "lab-tokio-echo,no-such-server",
        "--repeats",
        "2",
        "--seconds",
        "0.2",
        "--conns",
        "1,3",
        "--out",
    ];
    let output = assert_cmd::Command::new(LAB)
        .env("LAB_DEBUG", "1")
        .args(args)
        .arg(&out)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("| lab-tokio-echo |"), "{stdout}");
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.starts_with("# unp-rs lab report"));
    for needle in [
        "## Machine",
        "## Method",
        "## Targets",
        "## 1–2. Echo servers",
        "![",
        "pinning",
    ] {
        assert!(report.contains(needle), "{needle} missing from\n{report}");
    }
    let csv = fs::read_to_string(out.join("measurements.csv")).unwrap();
    let rows = |conns: &str| {
        csv.lines()
            .filter(|l| {
                l.starts_with(&format!("echo,lab-tokio-echo,{conns},")) && l.contains(",rt_per_s,")
            })
            .count()
    };
    assert_eq!((rows("1"), rows("3")), (2, 2), "{csv}");
    for chart in [
        "echo-throughput.svg",
        "echo-p99.svg",
        "echo-headline.svg",
        "echo-cpu.svg",
    ] {
        let svg = fs::read_to_string(out.join(chart)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("lab-tokio-echo"),
            "{chart}"
        );
    }
    // `--out` writes there only: no `latest` link beside it.
    assert!(!root.join("latest").exists());
    fs::remove_dir_all(&root).unwrap();
}
