//! The faithful `httpd`'s own command line: the port it prints, its usage
//! line, the original's port 4000. Its HTTP behaviour is checked with every
//! model's in `conformance.rs`.

use unp_tests::{assert_usage, connect, in_netns, skip_unless_root, Proc};

use std::io::{Read, Write};

/// Port 0 lets the kernel choose, and the line names the port chosen, as
/// the original's `startup(&port)` does.
#[test]
fn port_0_prints_the_port_chosen() {
    let server = Proc::spawn("httpd", &["0"]);
    let line = server.wait_stdout("\n");
    let port = line
        .strip_prefix("httpd running on port ")
        .and_then(|rest| rest.trim_end().parse::<u16>().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert_ne!(port, 0);
    let mut stream = connect(port);
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.0 200 OK\r\n"), "{reply}");
}

/// With no argument the server binds the original's port 4000 (in a
/// private network namespace, where it is free).
#[test]
fn no_argument_binds_port_4000() {
    if skip_unless_root("unshare") {
        return;
    }
    in_netns(
        r#"out=$(mktemp)
trap 'rm -f "$out"' EXIT
httpd > "$out" &
wait_listen 4000
exec 3<>/dev/tcp/127.0.0.1/4000
printf 'GET / HTTP/1.0\r\n\r\n' >&3
head -1 <&3
cat "$out"
"#,
    )
    .assert()
    .success()
    .stdout("HTTP/1.0 200 OK\r\nhttpd running on port 4000\n");
}

#[test]
fn wrong_arguments_print_the_usage() {
    let usage = "usage: httpd [port]";
    assert_usage([
        ("httpd", &["1", "2"][..], usage),
        ("httpd", &["port"], usage),
        ("httpd", &["65536"], usage),
    ]);
}
