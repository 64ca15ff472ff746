//! Chapter 30: every server against the book's client, bad requests, and
//! a clean stop on SIGINT; the clients' own errors.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

use nix::sys::signal::Signal;
use unp_tests::{assert_usage, client, free_port, process_group, server, wait_until, Proc};

/// Send `request`, half-close, and read everything the server sends
/// before it closes.
fn exchange(port: u16, request: &[u8]) -> Vec<u8> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(request).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    let _ = conn.read_to_end(&mut reply);
    reply
}

/// What a server prints per worker after its CPU time, if anything.
#[derive(Clone, Copy, PartialEq)]
enum Counts {
    None,
    /// `child i, N connections`, `thread i, N connections`.
    Connections(&'static str),
    /// `thread i, N requests` (serv11).
    Requests,
}

/// The contract every server keeps: the bad requests each end their own
/// connection with the book's message and the server goes on; a line
/// without a newline at end of file and two requests on one connection
/// are served; `client 127.0.0.1 PORT 5 200 4000` gets every byte of its
/// 1000 connections; no child is left a zombie; and SIGINT, even with a
/// silent client connected, prints the CPU line (and the counts, adding up)
/// and leaves no process of the server running.
fn serves_the_book_client(name: &str, pool: Option<(usize, &str)>, counts: Counts) {
    let port = free_port();
    let port_arg = port.to_string();
    let pool_arg = pool.map(|(n, _)| n.to_string());
    let mut args = vec!["127.0.0.1", &port_arg];
    args.extend(pool_arg.as_deref());
    let mut srv = server(name, &args, port);
    let pgid = srv.pid();
    if let Some((n, who)) = pool {
        wait_until("every worker to start", || {
            srv.stdout().matches(&format!("{who} ")).count() == n
        });
    }

    for bad in [&b"0\n"[..], b"16385\n", b"-7\n", b"junk\n"] {
        assert_eq!(exchange(port, bad), b"", "{name} answered {bad:?}");
    }
    assert_eq!(
        exchange(port, b"10").len(),
        10,
        "{name}: a last line without newline"
    );
    assert_eq!(exchange(port, b"3\n5\n").len(), 8, "{name}: two requests");

    let out = client("client")
        .args(["127.0.0.1", &port_arg, "5", "200", "4000"])
        .output()
        .unwrap();
    let mut done: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    done.sort();
    assert_eq!(
        done,
        (0..5)
            .map(|i| format!("child {i} done"))
            .collect::<Vec<_>>(),
        "{name}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{name}");
    assert!(out.status.success(), "{name}");

    wait_until("the four messages", || srv.stderr().lines().count() >= 4);
    let mut errors: Vec<String> = srv.stderr().lines().map(String::from).collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            "client request for -7 bytes",
            "client request for 0 bytes",
            "client request for 0 bytes",
            "client request for 16385 bytes",
        ],
        "{name}"
    );
    wait_until("no zombie children", || {
        process_group(pgid).iter().all(|&(_, state)| state != 'Z')
    });

    // A client that connects and says nothing holds a worker (for serv01, a
    // child of its own) in `readline`; SIGINT must still stop everything.
    if name == "serv01" {
        wait_until("every child to end", || process_group(pgid).len() == 1);
    }
    let _silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    if name == "serv01" {
        wait_until("a child for the silent client", || {
            process_group(pgid).len() == 2
        });
    }
    srv.signal(Signal::SIGINT);
    let status = srv.wait_exit();
    assert!(status.success(), "{name}: {status}");
    assert_eq!(process_group(pgid), [], "{name} left processes behind");
    check_report(name, &srv, pool, counts);
}

/// The SIGINT report: `\nuser time = U, sys time = S\n` as `%g` prints it,
/// then the counts, which add up to the connections (or requests) made.
fn check_report(name: &str, srv: &Proc, pool: Option<(usize, &str)>, counts: Counts) {
    // The harness reads the output in its own thread: wait for all of it.
    let lines_due = 1 + match counts {
        Counts::None => 0,
        _ => pool.map_or(0, |(n, _)| n),
    };
    let report_so_far = || {
        let stdout = srv.stdout();
        stdout
            .split_once("\nuser time = ")
            .map(|(_, report)| report.to_owned())
    };
    wait_until("the whole report", || {
        report_so_far().is_some_and(|report| report.matches('\n').count() >= lines_due)
    });
    let report = report_so_far().unwrap();
    let mut lines = report.lines();
    let cpu = lines.next().unwrap();
    let (user, sys) = cpu.split_once(", sys time = ").expect("the CPU line");
    for number in [user, sys] {
        assert!(number.parse::<f64>().is_ok(), "{name}: {cpu}");
    }
    let rest: Vec<&str> = lines.collect();
    let noun = match counts {
        Counts::None => return assert_eq!(rest, [] as [&str; 0], "{name}"),
        Counts::Connections(_) => "connections",
        Counts::Requests => "requests",
    };
    let who = match counts {
        Counts::Connections(who) => who,
        _ => "thread",
    };
    let n = pool.map_or(0, |(n, _)| n);
    assert_eq!(rest.len(), n, "{name}: {rest:?}");
    let mut total = 0;
    for (i, line) in rest.iter().enumerate() {
        let count = line
            .strip_prefix(&format!("{who} {i}, "))
            .and_then(|l| l.strip_suffix(&format!(" {noun}")))
            .and_then(|c| c.parse::<u64>().ok());
        total += count.unwrap_or_else(|| panic!("{name}: {line:?}"));
    }
    // 1000 from the client, 4 bad requests, 2 more connections (3 more
    // requests); the silent client counts if it was taken before SIGINT.
    match counts {
        Counts::Requests => assert_eq!(total, 1003, "{name}"),
        _ => assert!((1006..=1007).contains(&total), "{name}: {total}"),
    }
}

macro_rules! server_tests {
    ($($test:ident: $name:literal, $pool:expr, $counts:expr;)*) => {
        $(
            #[test]
            fn $test() {
                serves_the_book_client($name, $pool, $counts);
            }
        )*
    };
}

const CHILDREN: Option<(usize, &str)> = Some((3, "child"));
const THREADS: Option<(usize, &str)> = Some((3, "thread"));

server_tests! {
    serv00_iterative: "serv00", None, Counts::None;
    serv01_fork_per_client: "serv01", None, Counts::None;
    serv02_prefork: "serv02", CHILDREN, Counts::None;
    serv02l_prefork_select: "serv02l", CHILDREN, Counts::None;
    serv02m_prefork_metered: "serv02m", CHILDREN, Counts::Connections("child");
    serv03_prefork_fcntl_lock: "serv03", CHILDREN, Counts::None;
    serv03m_prefork_fcntl_lock_metered: "serv03m", CHILDREN, Counts::Connections("child");
    serv04_prefork_pthread_lock: "serv04", CHILDREN, Counts::None;
    serv05_prefork_descriptor_passing: "serv05", CHILDREN, Counts::Connections("child");
    serv06_thread_per_client: "serv06", None, Counts::None;
    serv07_prethread_mutex: "serv07", THREADS, Counts::Connections("thread");
    serv08_prethread_main_accepts: "serv08", THREADS, Counts::Connections("thread");
    serv09_prethread_no_lock: "serv09", THREADS, Counts::Connections("thread");
    serv10_reactor: "serv10", None, Counts::None;
    serv11_reactor_worker_pool: "serv11", THREADS, Counts::Requests;
    serv12_loop_per_thread: "serv12", THREADS, Counts::Connections("thread");
    serv13_reuseport_processes: "serv13", CHILDREN, Counts::Connections("child");
    serv14_io_uring: "serv14", None, Counts::None;
}

#[test]
fn clientrst_resets_are_logged_and_survived() {
    let port = free_port();
    let port_arg = port.to_string();
    let srv = server("serv02", &["127.0.0.1", &port_arg, "2"], port);
    let out = client("clientrst")
        .args(["127.0.0.1", &port_arg, "3", "30", "4000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 3);
    // Child 2 resets its connections 0, 3, ..., 27: ten of them, each
    // accepted and then failing its first read.
    wait_until("ten resets", || srv.stderr().lines().count() >= 10);
    assert_eq!(
        srv.stderr(),
        "readline error: Connection reset by peer\n".repeat(10)
    );
}

const CLIENT_USAGE: &str =
    "usage: client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>";

#[test]
fn client_refuses_what_it_cannot_read() {
    assert_usage([
        ("client", &[][..], CLIENT_USAGE),
        (
            "client",
            &["127.0.0.1", "9", "1", "1", "16385"],
            "#bytes/request must be from 1 to 16384",
        ),
        ("client", &["127.0.0.1", "9", "x", "1", "100"], CLIENT_USAGE),
    ]);
}

#[test]
fn client_reports_refusal_and_short_replies() {
    let port = free_port().to_string();
    client("client")
        .args(["127.0.0.1", &port, "1", "1", "100"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "tcp_connect error for 127.0.0.1, {port}: Connection refused\n"
        ));

    // A server that answers 100 bytes to a request for 4000, then closes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let short = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut request = [0u8; 5];
        conn.read_exact(&mut request).unwrap();
        assert_eq!(&request, b"4000\n");
        conn.write_all(&[0; 100]).unwrap();
    });
    client("client")
        .args(["127.0.0.1", &port, "1", "1", "4000"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("server returned 100 bytes\n");
    short.join().unwrap();
}

#[test]
fn servers_check_their_arguments() {
    assert_usage([
        ("serv00", &[][..], "usage: serv00 [ <host> ] <port#>"),
        (
            "serv01",
            &["a", "b", "c"],
            "usage: serv01 [ <host> ] <port#>",
        ),
        (
            "serv02",
            &["9999"],
            "usage: serv02 [ <host> ] <port#> <#children>",
        ),
        (
            "serv05",
            &["9999", "many"],
            "usage: serv05 [ <host> ] <port#> <#children>",
        ),
        (
            "serv07",
            &["127.0.0.1", "9999", "0"],
            "usage: serv07 [ <host> ] <port#> <#threads>",
        ),
        (
            // More threads than MAX_COUNT: std panicked making them.
            "serv07",
            &["127.0.0.1", "9999", "100000"],
            "usage: serv07 [ <host> ] <port#> <#threads>",
        ),
        (
            "serv02",
            &["9999", "4097"],
            "usage: serv02 [ <host> ] <port#> <#children>",
        ),
        (
            "serv13",
            &[],
            "usage: serv13 [ <host> ] <port#> <#children>",
        ),
    ]);
}

#[test]
fn sigterm_stops_a_forking_server_and_its_children() {
    for name in ["serv02", "serv05", "serv13"] {
        let port = free_port();
        let port_arg = port.to_string();
        let mut srv = server(name, &["127.0.0.1", &port_arg, "2"], port);
        wait_until("both children", || {
            srv.stdout().matches("starting").count() == 2
        });
        srv.signal(Signal::SIGTERM);
        assert!(srv.wait_exit().success(), "{name}");
        // The collector may not have read the last line yet when the exit shows.
        wait_until("the CPU line", || srv.stdout().contains("\nuser time = "));
        assert_eq!(process_group(srv.pid()), [], "{name} left children behind");
    }
}
