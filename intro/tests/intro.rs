//! Chapter 1: every daytime client against the daytime servers, on free
//! ports (and in a private network namespace for the book's ports 13 and
//! 9999), plus the bad-input paths.

use std::ffi::CString;
use std::time::{SystemTime, UNIX_EPOCH};

use unp_tests::{
    assert_dies_of_sigpipe, assert_usage, bin, client, free_port, in_netns, run_client, server,
    skip_unless_root, socket_queues, tcp_memory, wait_until,
};

/// Parse a daytime reply (`Thu Nov 26 21:56:32 2026\r\n`) as local time.
fn parse_daytime(reply: &str) -> i64 {
    let text = reply
        .strip_suffix("\r\n")
        .unwrap_or_else(|| panic!("{reply:?} does not end in \\r\\n"));
    assert_eq!(text.len(), 24, "{text:?} is not ctime's 24 characters");
    let c_text = CString::new(text).unwrap();
    // SAFETY: strptime fills a zeroed tm from a NUL-terminated string with a
    // NUL-terminated format; mktime reads the tm.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        let end = libc::strptime(c_text.as_ptr(), c"%a %b %e %H:%M:%S %Y".as_ptr(), &mut tm);
        assert!(!end.is_null() && *end == 0, "{text:?} is not a ctime date");
        tm.tm_isdst = -1;
        libc::mktime(&mut tm)
    }
}

fn assert_is_now(reply: &str) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let sent = parse_daytime(reply);
    assert!(
        (sent - now).abs() <= 5,
        "{reply:?} is not within 5 s of now"
    );
}

/// The text a client prints to stdout, run with no input: it must succeed
/// and print nothing to stderr.
fn stdout_of(name: &str, args: &[&str]) -> String {
    String::from_utf8(run_client(name, args, b"", "")).unwrap()
}

#[test]
fn daytimetcpcli_prints_the_time_from_daytimetcpsrv() {
    let port = free_port().to_string();
    let _srv = server("daytimetcpsrv", &[&port], port.parse().unwrap());
    assert_is_now(&stdout_of("daytimetcpcli", &["127.0.0.1", &port]));
}

#[test]
fn daytimetcpcli1_counts_one_read_for_one_write() {
    let port = free_port().to_string();
    let _srv = server("daytimetcpsrv", &[&port], port.parse().unwrap());
    let out = stdout_of("daytimetcpcli1", &["127.0.0.1", &port]);
    let (reply, line) = out.split_at(26);
    assert_is_now(reply);
    assert_eq!(counter(line), 1);
}

/// The `counter = N` line of daytimetcpcli1/2.
fn counter(line: &str) -> usize {
    line.strip_prefix("counter = ")
        .and_then(|c| c.strip_suffix('\n'))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad counter line {line:?}"))
}

/// One byte per write may come back in anything from 1 to 26 reads: on
/// Linux loopback the first byte leaves at once and Nagle's algorithm holds
/// the rest until it is acknowledged, microseconds later, so the client
/// usually sees 1 or 2 reads. The count depends on timing, which is the
/// exercise; the reply is whole every time.
#[test]
fn daytimetcpcli2_counts_the_reads_of_daytimetcpsrv2s_single_bytes() {
    let port = free_port().to_string();
    let _srv = server("daytimetcpsrv2", &[&port], port.parse().unwrap());
    let mut seen = Vec::new();
    for _ in 0..10 {
        let out = stdout_of("daytimetcpcli2", &["127.0.0.1", &port]);
        let (reply, line) = out.split_at(26);
        assert_is_now(reply);
        seen.push(counter(line));
    }
    eprintln!("reads per reply over 10 runs: {seen:?}");
    assert!(seen.iter().all(|n| (1..=26).contains(n)), "{seen:?}");
}

/// The counter counts arrivals: 26 bytes sent one at a time, each once
/// the client has read the one before (acknowledged, and no longer in its
/// receive queue), take 26 reads.
#[test]
fn daytimetcpcli2_takes_one_read_per_byte_when_the_bytes_arrive_apart() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let client_end = (conn.peer_addr().unwrap(), conn.local_addr().unwrap());
        for byte in b"Thu Nov 26 21:56:32 2026\r\n" {
            std::io::Write::write_all(&mut conn, &[*byte]).unwrap();
            wait_until("the client to read the byte", || {
                socket_queues(&conn).1 == 0
                    && tcp_memory(client_end.0, client_end.1).is_some_and(|mem| mem.unread == 0)
            });
        }
    });
    let out = stdout_of("daytimetcpcli2", &["127.0.0.1", &port]);
    peer.join().unwrap();
    assert_eq!(out, "Thu Nov 26 21:56:32 2026\r\ncounter = 26\n");
}

/// daytimetcpcli3's `local addr` and the server's `connection from` line
/// name the same client port.
#[test]
fn daytimetcpsrv1_and_3_print_the_clients_real_port() {
    for srv in ["daytimetcpsrv1", "daytimetcpsrv3"] {
        let port = free_port().to_string();
        let server = server(srv, &[&port], port.parse().unwrap());
        let out = stdout_of("daytimetcpcli3", &["127.0.0.1", &port]);
        let (local, reply) = out.split_once('\n').unwrap();
        assert_is_now(reply);
        let client_port = local
            .strip_prefix("local addr: 127.0.0.1:")
            .unwrap_or_else(|| panic!("bad first line {local:?}"));
        assert_ne!(client_port, port);
        let line = format!("connection from 127.0.0.1, port {client_port}\n");
        assert_eq!(server.wait_stdout(&line), line);
    }
}

#[test]
fn the_ipv6_pair_works_on_loopback_and_the_v6_server_takes_ipv4_clients() {
    let port = free_port().to_string();
    let server = server("daytimetcpsrvv6", &[&port], port.parse().unwrap());
    assert_is_now(&stdout_of("daytimetcpcliv6", &["::1", &port]));
    server.wait_stdout("connection from [::1]:");
    assert_is_now(&stdout_of("daytimetcpcli", &["127.0.0.1", &port]));
    server.wait_stdout("connection from [::ffff:127.0.0.1]:");
}

#[test]
fn byteorder_prints_the_target_and_its_byte_order() {
    let order = if cfg!(target_endian = "little") {
        "little-endian"
    } else {
        "big-endian"
    };
    let arch = std::env::consts::ARCH;
    let out = stdout_of("byteorder", &[]);
    assert!(
        out.starts_with(arch) && out.ends_with(&format!("-linux-gnu: {order}\n")),
        "{out:?}"
    );
}

/// `byteorder | head -c 0` dies of SIGPIPE, as the C does.
#[test]
fn byteorder_dies_of_sigpipe_when_nobody_reads_stdout() {
    assert_dies_of_sigpipe("byteorder", &[], b"");
}

#[test]
fn bad_arguments_print_the_usage_line() {
    let clients = [
        "daytimetcpcli",
        "daytimetcpcli1",
        "daytimetcpcli2",
        "daytimetcpcli3",
        "daytimetcpcliv6",
    ];
    let servers = [
        "daytimetcpsrv",
        "daytimetcpsrv1",
        "daytimetcpsrv2",
        "daytimetcpsrv3",
        "daytimetcpsrvv6",
    ];
    let client_args: [&[&str]; 2] = [&[], &["127.0.0.1", "not-a-port"]];
    assert_usage(
        clients.iter().flat_map(|name| {
            client_args.map(|args| (*name, args, "usage: a.out <IPaddress> [port]"))
        }),
    );
    assert_usage(
        servers
            .iter()
            .map(|name| (*name, &["1", "2"][..], format!("usage: {name} [port]"))),
    );
    assert_usage([("byteorder", &["x"][..], "usage: byteorder")]);
}

#[test]
fn an_unparsable_address_is_an_inet_pton_error() {
    assert_usage([
        ("daytimetcpcli", &["foo"][..], "inet_pton error for foo"),
        (
            "daytimetcpcliv6",
            &["127.0.0.1"],
            "inet_pton error for 127.0.0.1",
        ),
    ]);
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = free_port().to_string();
    client("daytimetcpcli")
        .args(["127.0.0.1", &port])
        .assert()
        .code(1)
        .stdout("")
        .stderr("connect error: Connection refused\n");
}

#[test]
fn a_port_in_use_is_address_already_in_use() {
    let port = free_port().to_string();
    let _first = server("daytimetcpsrv", &[&port], port.parse().unwrap());
    client("daytimetcpsrv")
        .arg(&port)
        .assert()
        .code(1)
        .stderr("bind error: Address already in use\n");
}

/// The book's command lines, unchanged, on the book's ports 13 and 9999, in
/// a private network namespace.
#[test]
fn the_books_command_lines_work_on_the_books_ports() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "daytimetcpsrv & wait_listen 13
         daytimetcpcli 127.0.0.1
         daytimetcpsrv2 & wait_listen 9999
         daytimetcpcli2 127.0.0.1 | head -c 26",
    )
    .assert()
    .success()
    .get_output()
    .clone();
    let out = String::from_utf8(out.stdout).unwrap();
    let (first, second) = out.split_at(26);
    assert_is_now(first);
    assert_is_now(second);
}

/// Port 13 is privileged: without root, bind fails as in C.
#[test]
fn port_13_without_root_is_permission_denied() {
    if skip_unless_root("setpriv") {
        return;
    }
    let srv = bin("daytimetcpsrv");
    in_netns(&format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups {}",
        srv.display()
    ))
    .assert()
    .code(1)
    .stdout("")
    .stderr("bind error: Permission denied\n");
}
