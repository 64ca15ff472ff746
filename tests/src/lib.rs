//! The harness the tests and the lab share: real processes on loopback,
//! free ports only, every wait bounded.
//!
//! - [`Proc`] runs a program in its own process group, collects its output
//!   (all of it, or line by line with [`Proc::next_line`]), lets the caller
//!   write to its stdin, stops and resumes it ([`Proc::pause`]), and kills
//!   the whole group (forked children included) on drop; [`bin`] finds a
//!   workspace binary; [`server`] and [`udp_server`] spawn a server and wait
//!   until it has bound its port;
//! - [`free_port`] picks a port free for both TCP and UDP; [`port_in_state`]
//!   says whether a port is bound, [`port_bound_by`] whether by a process;
//! - [`wait_for`] and [`wait_until`] poll a condition, bounded;
//! - [`DelayProxy`] is a path with latency (chapter 16's long, fat pipe);
//!   [`UdpRelay`] a UDP path that loses, duplicates and delays by a [`Plan`]
//!   (chapter 22);
//! - [`connect`], [`exchange`] and [`reset`] (`SO_LINGER` 0) on a TCP
//!   connection, [`socket_queues`] and [`tcp_memory`] (either end of a
//!   connection, as `ss -tm` sees it), [`binary_data`], [`udp_socket`] and
//!   [`assert_udp_echoes`];
//! - what `/proc` says of a process: [`proc_stat`], [`children_of`],
//!   [`process_group`], [`proc_entries`], [`blocked_in`], [`signal_pending`],
//!   and [`asleep_in`] (blocked in a system call with nothing left to wake
//!   it: what a test waits for instead of "nothing changed for a while");
//! - [`skip_unless_root`] lets a test that needs root skip cleanly without
//!   it (unless `UNP_REQUIRE_ROOT` is set);
//! - with the `cmd` feature (tests only, it brings `assert_cmd`): [`client`]
//!   (a command with a timeout), [`run_client`], [`assert_usage`] (the usage
//!   errors of many programs, table-driven), [`assert_dies_of_sigpipe`] (a
//!   client whose stdout nobody reads) and [`in_netns`] (a script in a
//!   private network namespace, where the book's fixed ports are free);
//! - [`netlab`]: a network of namespaces (hosts on a broadcast subnet, a
//!   router, a host behind it) for broadcast, multicast and raw sockets.

#[cfg(feature = "cmd")]
mod cmd;
pub mod conformance;
pub mod descriptors;
mod net;
pub mod netlab;
mod process;
mod proxy;
mod relay;
pub mod reliability;
mod root;

use std::io;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(feature = "cmd")]
pub use cmd::{assert_dies_of_sigpipe, assert_usage, client, in_netns, run_client, spawn_in_netns};
pub use net::{
    assert_udp_echoes, binary_data, connect, exchange, free_port, listens, port_bound_by,
    port_holders, port_in_state, reset, socket_queues, tcp_memory, tcp_state, udp_socket,
    TcpMemory, FIN_WAIT2,
};
pub use process::{
    asleep_in, bin, bin_dir, blocked_in, children_of, ignores, proc_entries, proc_stat,
    process_group, server, signal_pending, udp_server, Proc, Stdout,
};
pub use proxy::DelayProxy;
pub use relay::{Direction, Fate, Plan, Relayed, UdpRelay};
pub use root::{skip_unless_root, REQUIRE_ROOT};

/// How long any wait in a test may last before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Poll `done` every few milliseconds until it holds, for at most `timeout`;
/// then `ErrorKind::TimedOut`, naming `what`.
pub fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) -> io::Result<()> {
    let start = Instant::now();
    while !done() {
        if start.elapsed() >= timeout {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("timed out after {timeout:?} waiting for {what}"),
            ));
        }
        thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// [`wait_for`] [`TIMEOUT`], for a test: panics after it.
pub fn wait_until(what: &str, done: impl FnMut() -> bool) {
    if let Err(err) = wait_for(what, TIMEOUT, done) {
        panic!("{err}");
    }
}
