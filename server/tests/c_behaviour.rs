//! Where a program behaves as the C does although a Rust default would
//! differ (issue 12, item 6).

use unp_tests::client;

/// The C passes `NULL` to `printf("%s")`, which glibc prints as `(null)`.
#[test]
fn tcp_listen_names_a_missing_host_as_the_c_prints_it() {
    client("serv00")
        .arg("no-such-service")
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "tcp_listen error for (null), no-such-service: \
             Servname not supported for ai_socktype\n",
        );
}
