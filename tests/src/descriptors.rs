//! Out of descriptors (issue 18): a server started under
//! `prlimit --nofile=LIMIT` (the limit on the server only, not the test)
//! gets more clients than it has descriptors. Its `accept` fails with
//! `EMFILE`; it must say so, stop accepting (the clients wait in the listen
//! queue), and once old clients leave, serve a new one: never exit.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use crate::{bin, connect, free_port, wait_until, Proc, TIMEOUT};

/// The server's descriptor limit (soft and hard).
pub const LIMIT: usize = 32;
/// Clients made at once: more than the limit, even for two processes
/// sharing the port.
pub const CLIENTS: usize = 80;

/// Start `name` under the limit with `args`, where `"{port}"` stands for
/// the free port chosen; run the check; return the server, still running,
/// for the caller's own checks. `request` is one round trip of the
/// server's protocol and `reply` its answer.
pub fn survives_running_out(name: &str, args: &[&str], request: &[u8], reply: &[u8]) -> Proc {
    let port = free_port();
    let port_arg = port.to_string();
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--nofile={LIMIT}:{LIMIT}"))
        .arg("--")
        .arg(bin(name))
        .args(args.iter().map(|&arg| match arg {
            "{port}" => port_arg.as_str(),
            arg => arg,
        }));
    let mut proc = Proc::spawn_cmd(&mut cmd);
    proc.wait_bound("tcp", port, "0A");

    let clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(port)).collect();
    wait_until("accept to run out of descriptors", || {
        // Exited: the port was taken meanwhile (not ours that listens), or
        // the server died of the limit.
        assert!(proc.is_running(), "{name} exited: {}", proc.stderr());
        proc.stderr()
            .contains("accept error: Too many open files\n")
    });
    drop(clients);

    let mut fresh = connect(port);
    fresh.set_read_timeout(Some(TIMEOUT)).unwrap();
    fresh.write_all(request).unwrap();
    let mut answer = vec![0u8; reply.len()];
    fresh
        .read_exact(&mut answer)
        .unwrap_or_else(|err| panic!("{name} did not serve a new client: {err}"));
    assert_eq!(answer, reply, "{name}");
    assert!(proc.is_running(), "{name} exited: {}", proc.stderr());
    let said = proc
        .stderr()
        .matches("accept error: Too many open files\n")
        .count();
    assert!(
        said < 20,
        "{name} spins on accept: said it {said} times: {}",
        proc.stderr()
    );
    proc
}
