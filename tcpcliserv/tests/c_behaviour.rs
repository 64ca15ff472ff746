//! Where a program keeps a behaviour better than the C's, documented in its
//! doc and the README (issue 12, item 6).

use unp_tests::{free_port, run_client, server};

/// The C's `str_cli` sends `strlen(line)` bytes, stopping at the NUL, and
/// then waits for ever for the rest of its echo; here the line goes whole.
#[test]
fn tcpcli01_sends_a_line_with_a_nul_byte_whole() {
    let port = free_port();
    let _srv = server("tcpserv01", &[&port.to_string()], port);
    let line = b"before\0after\n";
    let echo = run_client("tcpcli01", &["127.0.0.1", &port.to_string()], line, "");
    assert_eq!(echo, line);
}
