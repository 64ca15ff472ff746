//! Where a program keeps a behaviour better than the C's, documented in its
//! doc and the README (issue 12, item 6).

use unp_tests::{free_port, run_client, udp_server};

/// The C's `dg_cli` sends `strlen(line)` bytes and prints the reply with
/// `fputs`, each stopping at the NUL; here both go whole.
#[test]
fn udpcli01_sends_and_prints_a_line_with_a_nul_byte_whole() {
    let port = free_port();
    let _srv = udp_server("udpserv01", &[&port.to_string()], port);
    let line = b"before\0after\n";
    let echo = run_client("udpcli01", &["127.0.0.1", &port.to_string()], line, "");
    assert_eq!(echo, line);
}
