//! The reliability suite (`unp_tests::reliability`): every TCP server of
//! the workspace, from the table `reliability::SERVERS`, under each check,
//! and every binary's answer to bad arguments. Build first (`cargo test
//! --workspace` does).

use unp_tests::reliability::{self, run_on_every_server, Check, SERVERS};

/// (a) `prlimit --nofile=64`, 80 idle clients, then a new one is served.
#[test]
fn every_server_outlives_running_out_of_descriptors() {
    run_on_every_server(
        Check::Descriptors,
        reliability::outlives_running_out_of_descriptors,
    );
}

/// (b) A pool that cannot be made under a process limit leaves nothing.
#[test]
fn every_pool_that_cannot_start_leaves_no_workers() {
    run_on_every_server(
        Check::Processes,
        reliability::pool_that_cannot_start_leaves_no_children,
    );
}

/// (b) A failed fork or thread per client: the book's servers die, serv01
/// and serv06 refuse that client only.
#[test]
fn a_failed_fork_per_client_does_what_the_readme_says() {
    run_on_every_server(
        Check::Processes,
        reliability::what_a_failed_fork_per_client_does,
    );
}

/// (c) stdout `/dev/full` or a pipe nobody reads.
#[test]
fn a_failed_stdout_never_stops_a_server() {
    run_on_every_server(Check::Stdout, reliability::a_failed_stdout_never_stops_it);
}

/// (d) Resets, junk, a 10 MB line, a reader that never reads.
#[test]
fn attacks_leave_every_server_as_it_was() {
    run_on_every_server(Check::Attacks, reliability::attacks_leave_nothing_behind);
}

/// (c) Every binary, each bad argument.
#[test]
fn every_binary_answers_bad_arguments_with_one_line_and_exit_1() {
    let binaries = reliability::binaries();
    assert!(binaries.len() > 90, "{binaries:?}");
    assert!(binaries.iter().any(|name| name == "lab"), "{binaries:?}");
    let failed: Vec<String> = reliability::in_parallel(&binaries, |name| {
        std::panic::catch_unwind(|| reliability::bad_arguments_are_one_line_and_exit_1(name))
            .err()
            .map(|_| format!("{name}: mishandled"))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failed.is_empty(), "bad arguments: {failed:#?}");
}

/// (c) Clients with stdout `/dev/full` or closed, against a live server.
#[test]
fn clients_with_a_failed_stdout_never_panic() {
    reliability::clients_with_a_failed_stdout_never_panic();
}

/// Servers that are not TCP servers one can run standalone: UDP and Unix
/// domain servers, and the daytime server run by inetd (its socket is its
/// stdin).
const NOT_STANDALONE_TCP: &[&str] = &["inetd-daytimetcpsrv3"];

/// The table has every TCP server: a binary named `*serv*` (the book's
/// naming), `*srv*` (the daytime servers) or `httpd*` (Tinyhttpd's) is in
/// it unless it is a UDP or Unix domain server or in
/// [`NOT_STANDALONE_TCP`].
#[test]
fn every_tcp_server_is_in_the_table() {
    for name in reliability::binaries() {
        let udp = ["udpserv", "udpsrv", "unixstr", "unixdg"]
            .iter()
            .any(|kind| name.contains(kind));
        let server = name.contains("serv") || name.contains("srv") || name.starts_with("httpd");
        if server && !udp && !NOT_STANDALONE_TCP.contains(&name.as_str()) {
            assert!(
                SERVERS.iter().any(|s| s.name == name),
                "{name} is missing from reliability::SERVERS"
            );
        }
    }
}
