//! `simpleclient` and its pairing, `simpleserver`.

use unp_tests::{client, free_port, server};

#[test]
fn the_client_gets_the_next_byte() {
    let port = free_port();
    let srv = server("simpleserver", &[&port.to_string()], port);
    for _ in 0..2 {
        client("simpleclient")
            .arg(port.to_string())
            .assert()
            .success()
            .stdout("char from server = B\n")
            .stderr("");
    }
    srv.wait_stdout("server waiting\nserver waiting\nserver waiting\n");
}

#[test]
fn a_refused_connection_is_reported_as_the_c_does() {
    let port = free_port();
    client("simpleclient")
        .arg(port.to_string())
        .assert()
        .code(1)
        .stdout("")
        .stderr("oops: client1: Connection refused\n");
}
