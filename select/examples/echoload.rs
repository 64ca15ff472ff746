//! A small load generator for the echo servers of chapter 6, for the
//! numbers in the select/poll/epoll comparison (the `lab` crate has the
//! real one).
//!
//! `echoload <port> <active> <idle> <seconds>`: opens `idle` connections
//! that each echo one message and then stay silent, then runs `active`
//! connections, one thread each, doing 64-byte round trips for `seconds`.
//! Prints the round trips per second and the latency of one round trip
//! (mean, median, 99th percentile). Connections are closed with an RST so
//! that repeated runs leave no TIME_WAIT behind.
//!
//! Run against a release build: `echoload 9877 10 0 3`, `echoload 9877 1
//! 10000 3`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

const MESSAGE: usize = 64;

fn main() {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let [port, active, idle, seconds] = args.as_slice() else {
        unp::err_quit("usage: echoload <port> <active> <idle> <seconds>");
    };
    let number = |text: &String| -> u64 {
        text.parse()
            .unwrap_or_else(|_| unp::err_quit(format!("not a number: {text}")))
    };
    let port = number(port) as u16;
    let (active, idle) = (number(active) as usize, number(idle) as usize);
    let duration = Duration::from_secs(number(seconds));

    let idle: Vec<TcpStream> = (0..idle)
        .map(|_| {
            let mut conn = connect(port);
            round_trip(&mut conn);
            conn
        })
        .collect();

    let start = Instant::now();
    let workers: Vec<_> = (0..active)
        .map(|_| {
            thread::spawn(move || {
                let mut conn = connect(port);
                let mut latencies = Vec::new();
                while start.elapsed() < duration {
                    let sent = Instant::now();
                    round_trip(&mut conn);
                    latencies.push(sent.elapsed());
                }
                reset(conn);
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = workers
        .into_iter()
        .flat_map(|worker| worker.join().expect("worker"))
        .collect();
    let elapsed = start.elapsed();
    idle.into_iter().for_each(reset);

    latencies.sort();
    let count = latencies.len();
    let mean = latencies.iter().sum::<Duration>() / count.max(1) as u32;
    let pick = |q: f64| latencies[((count as f64 * q) as usize).min(count - 1)];
    println!(
        "{:.0} round trips/s, latency mean {:.1} us, p50 {:.1} us, p99 {:.1} us",
        count as f64 / elapsed.as_secs_f64(),
        mean.as_secs_f64() * 1e6,
        pick(0.5).as_secs_f64() * 1e6,
        pick(0.99).as_secs_f64() * 1e6,
    );
}

fn connect(port: u16) -> TcpStream {
    let conn = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|err| {
        unp::err_sys(&err, "connect error");
    });
    let _ = conn.set_nodelay(true);
    conn
}

fn round_trip(conn: &mut TcpStream) {
    let mut buf = [b'x'; MESSAGE];
    conn.write_all(&buf)
        .unwrap_or_else(|err| unp::err_sys(&err, "write error"));
    conn.read_exact(&mut buf)
        .unwrap_or_else(|err| unp::err_sys(&err, "read error"));
}

/// Close with `SO_LINGER` 0: an RST, no TIME_WAIT.
fn reset(conn: TcpStream) {
    let sock = socket2::SockRef::from(&conn);
    let _ = sock.set_linger(Some(Duration::ZERO));
}
