//! Chapter 1: every daytime client against the daytime servers, on free
//! ports (and in a private network namespace for the book's ports 13 and
//! 9999), plus the bad-input paths.

use std::ffi::CString;
use std::time::{SystemTime, UNIX_EPOCH};

use unp_tests::{bin, client, free_port, in_netns, run_client, server};

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
    let (reply, counter) = out.split_at(26);
    assert_is_now(reply);
    assert_eq!(counter, "counter = 1\n");
}

/// One byte per write may come back in anything from 1 to 26 reads; over a
/// few runs at least one takes more than one read, which is the exercise.
#[test]
fn daytimetcpcli2_counts_the_reads_of_daytimetcpsrv2s_single_bytes() {
    let port = free_port().to_string();
    let _srv = server("daytimetcpsrv2", &[&port], port.parse().unwrap());
    let mut most = 0;
    for _ in 0..10 {
        let out = stdout_of("daytimetcpcli2", &["127.0.0.1", &port]);
        let (reply, counter) = out.split_at(26);
        assert_is_now(reply);
        let n: usize = counter
            .strip_prefix("counter = ")
            .and_then(|c| c.strip_suffix('\n'))
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("bad counter line {counter:?}"));
        assert!((1..=26).contains(&n), "counter = {n}");
        most = most.max(n);
        if most > 1 {
            break;
        }
    }
    assert!(
        most > 1,
        "26 one-byte writes always arrived in a single read"
    );
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

#[test]
fn bad_arguments_print_the_usage_line() {
    for name in [
        "daytimetcpcli",
        "daytimetcpcli1",
        "daytimetcpcli2",
        "daytimetcpcli3",
        "daytimetcpcliv6",
    ] {
        client(name)
            .assert()
            .code(1)
            .stdout("")
            .stderr("usage: a.out <IPaddress> [port]\n");
        client(name)
            .args(["127.0.0.1", "not-a-port"])
            .assert()
            .code(1)
            .stderr("usage: a.out <IPaddress> [port]\n");
    }
    for name in [
        "daytimetcpsrv",
        "daytimetcpsrv1",
        "daytimetcpsrv2",
        "daytimetcpsrv3",
        "daytimetcpsrvv6",
    ] {
        client(name)
            .args(["1", "2"])
            .assert()
            .code(1)
            .stderr(format!("usage: {name} [port]\n"));
    }
    client("byteorder")
        .arg("x")
        .assert()
        .code(1)
        .stderr("usage: byteorder\n");
}

#[test]
fn an_unparsable_address_is_an_inet_pton_error() {
    client("daytimetcpcli")
        .arg("foo")
        .assert()
        .code(1)
        .stderr("inet_pton error for foo\n");
    client("daytimetcpcliv6")
        .arg("127.0.0.1")
        .assert()
        .code(1)
        .stderr("inet_pton error for 127.0.0.1\n");
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
