//! The book's `str_cli` versions side by side (§16.2): a file of several
//! thousand lines piped into each one comes back whole, and the
//! stop-and-wait version of chapter 5 needs a round trip per line where the
//! three that keep the pipe full need one for the whole file.
//!
//! Build first: `cargo build -p tcpcliserv -p select -p nonblock`.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use unp_tests::{
    asleep_in, bin, client, free_port, process_group, server, tcp_memory, wait_until, Proc,
};

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

/// The system calls a client sleeps in while it waits for an echo (or, the
/// fork client's parent, for its child's signal).
const WAITING: [i64; 7] = [
    libc::SYS_read,
    libc::SYS_select,
    libc::SYS_pselect6,
    libc::SYS_poll,
    libc::SYS_ppoll,
    libc::SYS_pause,
    libc::SYS_rt_sigsuspend,
];

/// Whether `client`, connected to `sock`, can send nothing more until it
/// gets an echo: it has printed every byte echoed to it so far, each of its
/// processes sleeps waiting (or has exited), and every byte it wrote has
/// reached `sock` (its end of the connection has nothing unacknowledged).
fn waits_for_an_echo(client: &Proc, echoed: usize, sock: &TcpStream) -> bool {
    client.stdout().len() == echoed
        && process_group(client.pid())
            .iter()
            .all(|&(pid, state)| state == 'Z' || asleep_in(pid, &WAITING))
        && tcp_memory(sock.peer_addr().unwrap(), sock.local_addr().unwrap())
            .map_or(true, |mem| mem.unacked == 0)
}

/// Play the echo server to `name` fed `file`, one round trip at a time:
/// wait until the client can send nothing more without an echo, then echo
/// everything it sent. Returns what it sent in each round trip; checks that
/// its output is the file.
fn round_trips(name: &str, file: &PathBuf, text: &str) -> Vec<String> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut cmd = Command::new(bin(name));
    cmd.args(["127.0.0.1", &port]);
    let mut client = Proc::start(&mut cmd, File::open(file).unwrap().into()).unwrap();
    listener.set_nonblocking(true).unwrap();
    let mut accepted = None;
    wait_until(&format!("{name} to connect"), || {
        accepted = listener.accept().ok();
        accepted.is_some()
    });
    let (mut sock, _) = accepted.unwrap();
    sock.set_nonblocking(true).unwrap();
    let (mut rounds, mut echoed, mut eof) = (Vec::new(), 0, false);
    while !eof {
        wait_until(&format!("{name} waiting for an echo"), || {
            waits_for_an_echo(&client, echoed, &sock)
        });
        let mut sent = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match sock.read(&mut buf) {
                Ok(0) => break eof = true,
                Ok(n) => sent.extend_from_slice(&buf[..n]),
                Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                Err(err) => panic!("read from {name}: {err}"),
            }
        }
        if !sent.is_empty() {
            sock.set_nonblocking(false).unwrap();
            sock.write_all(&sent).unwrap();
            sock.set_nonblocking(true).unwrap();
            echoed += sent.len();
            rounds.push(String::from_utf8(sent).unwrap());
        }
    }
    sock.shutdown(Shutdown::Write).unwrap();
    assert!(client.wait_exit().success(), "{name}: {}", client.stderr());
    assert_eq!(client.stdout(), text, "{name}");
    assert_eq!(client.stderr(), "", "{name}");
    rounds
}

/// §16.2's lesson without a clock: stop-and-wait (Figure 5.5) sends one
/// line per round trip, so a file of N lines takes N round trips however
/// short the path; the three others send the whole file, and its end,
/// before the first echo: one round trip, the pipe kept full. (Through a
/// path of 20 ms each way that is N * 40 ms against about 40 ms: the lab
/// measures it.)
#[test]
fn stop_and_wait_needs_a_round_trip_per_line_the_others_one() {
    const LINES: usize = 30;
    let (file, text) = batch_file(LINES);
    let lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    for (name, what) in CLIENTS {
        let rounds = round_trips(name, &file, &text);
        eprintln!(
            "{LINES} lines: {name:18} {what:35} {} round trips",
            rounds.len()
        );
        match name {
            "tcpcli01" => assert_eq!(rounds, lines, "{name}: one line per round trip"),
            _ => assert_eq!(
                rounds,
                std::slice::from_ref(&text),
                "{name}: the whole file at once"
            ),
        }
    }
    let _ = std::fs::remove_file(file);
}
