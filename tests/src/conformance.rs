//! The echo conformance suite: what every echo server of the workspace must
//! do, whatever its design (select, poll, epoll, the reactor, threads, aio,
//! io_uring).
//!
//! Describe the server with an [`EchoServer`] and call [`check_all`], or one
//! check per `#[test]` (each `pub fn` below is one check). Every check spawns
//! a fresh instance as `<name> <args_before_port...> <port>` on a free port
//! (the port convention: the port is the optional last argument), so checks
//! are independent and can run in parallel.
//!
//! ```no_run
//! use unp_tests::conformance::{self, EchoServer};
//! let server = EchoServer {
//!     name: "tcpservepoll01",
//!     args_before_port: vec![],
//!     max_clients: 1000,
//!     refuses_beyond_max: false,
//!     blocks_on_slow_reader: false,
//! };
//! conformance::check_all(&server);
//! ```
//!
//! A test binary that runs [`many_clients`] needs as many descriptors as
//! clients (and the server as many again): the checks raise the soft
//! `RLIMIT_NOFILE` to the hard limit first, and the server inherits it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::thread;

use nix::sys::resource::{getrlimit, setrlimit, Resource};

use crate::{
    asleep_in, bin, binary_data, blocked_in, connect, exchange, free_port, reset, socket_queues,
    tcp_memory, tcp_state, wait_until, Proc, FIN_WAIT2,
};

/// An echo server under test.
#[derive(Clone, Debug, Default)]
pub struct EchoServer {
    /// The binary (`tcpservselect01`, `tcpservreactor01`, ...).
    pub name: &'static str,
    /// Arguments before the port (`["epoll"]` for `tcpservreactor01`).
    pub args_before_port: Vec<String>,
    /// How many clients the server must serve at once; [`many_clients`]
    /// opens this many. At least 1000 for a server with no limit of its own;
    /// for a select server, what `FD_SETSIZE` leaves (1024 minus the
    /// descriptors the server holds besides its clients).
    pub max_clients: usize,
    /// The server has a hard limit at `max_clients` (select's `FD_SETSIZE`):
    /// [`refuses_client_beyond_max`] checks that the next client is refused
    /// cleanly, either its connection closed without an echo or the server
    /// exiting with `too many clients` (the book's `err_quit`), never served
    /// through memory corruption.
    pub refuses_beyond_max: bool,
    /// The server writes with blocking `write(2)`, so a client that never
    /// reads stops it for everyone (the denial of service of §6.8, the book's
    /// select and poll servers). [`slow_reader`] checks that limit when true,
    /// and that everyone else is still served when false.
    pub blocks_on_slow_reader: bool,
}

/// One check: its name and the function that runs it.
pub type Check = (&'static str, fn(&EchoServer));

/// Every check, in the order [`check_all`] runs them.
pub const CHECKS: &[Check] = &[
    ("echoes_lines", echoes_lines),
    ("echoes_partial_line", echoes_partial_line),
    ("echoes_long_line", echoes_long_line),
    ("echoes_binary", echoes_binary),
    ("half_close_gets_every_byte", half_close_gets_every_byte),
    ("survives_reset", survives_reset),
    (
        "survives_client_vanishing_mid_write",
        survives_client_vanishing_mid_write,
    ),
    ("survives_epipe", survives_epipe),
    ("many_clients", many_clients),
    ("refuses_client_beyond_max", refuses_client_beyond_max),
    ("slow_reader", slow_reader),
];

/// Run every check of [`CHECKS`] against `server`, each on a fresh instance
/// ([`refuses_client_beyond_max`] only for a server with a limit).
pub fn check_all(server: &EchoServer) {
    for (name, check) in CHECKS {
        if *name == "refuses_client_beyond_max" && !server.refuses_beyond_max {
            continue;
        }
        eprintln!("conformance: {} {name}", server.name);
        check(server);
    }
}

impl EchoServer {
    /// Spawn a fresh instance on a free port and wait until it listens. The
    /// server gets stdin, stdout and stderr only: descriptors the test
    /// process inherited (a jobserver pipe, say) are closed at its `exec`, so
    /// that a select server's first client is descriptor 4 wherever the
    /// suite runs.
    pub fn start(&self) -> (Proc, u16) {
        raise_fd_limit();
        let port = free_port();
        let mut cmd = Command::new(bin(self.name));
        cmd.args(&self.args_before_port).arg(port.to_string());
        // SAFETY: close_range(2) is a single system call, async-signal-safe,
        // and only marks the child's own descriptors close-on-exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::close_range(
                    3,
                    libc::c_uint::MAX,
                    libc::CLOSE_RANGE_CLOEXEC as libc::c_int,
                );
                Ok(())
            });
        }
        let mut proc = Proc::spawn_cmd(&mut cmd);
        proc.wait_bound("tcp", port, "0A");
        (proc, port)
    }
}

/// A few lines, sent and echoed one at a time, byte for byte.
pub fn echoes_lines(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut client = connect(port);
    for line in ["hello\n", "\n", "a line with spaces and\ttabs\n", "last\n"] {
        exchange(&mut client, line.as_bytes(), line.as_bytes());
    }
    assert_serving(&mut proc, port);
}

/// Bytes without a newline come back at once (the server echoes bytes, not
/// lines), and the rest of the line after them.
pub fn echoes_partial_line(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut client = connect(port);
    exchange(&mut client, b"no newline yet", b"no newline yet");
    exchange(&mut client, b", now one\n", b", now one\n");
    assert_serving(&mut proc, port);
}

/// A line of 1 MiB, far longer than any read buffer, comes back whole.
pub fn echoes_long_line(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut line: Vec<u8> = (0..1 << 20).map(|i| b'a' + (i % 26) as u8).collect();
    line.push(b'\n');
    assert_round_trip(connect(port), &line, false);
    assert_serving(&mut proc, port);
}

/// 256 KiB of every byte value, NULs and stray newlines included.
pub fn echoes_binary(server: &EchoServer) {
    let (mut proc, port) = server.start();
    assert_round_trip(connect(port), &binary_data(256 << 10), false);
    assert_serving(&mut proc, port);
}

/// A client that sends, then half-closes (`shutdown(SHUT_WR)`), gets every
/// byte back before the server closes its side.
pub fn half_close_gets_every_byte(server: &EchoServer) {
    let (mut proc, port) = server.start();
    assert_round_trip(connect(port), &binary_data(200_000), true);
    assert_serving(&mut proc, port);
}

/// Clients that reset their connection (`SO_LINGER` 0, then close), some
/// with data still unread by the server, close that connection only.
pub fn survives_reset(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let bystander = connect(port);
    for pending in [false, true, false, true] {
        let mut client = connect(port);
        if pending {
            client.write_all(&binary_data(10_000)).expect("write");
        } else {
            exchange(&mut client, b"then reset\n", b"then reset\n");
        }
        reset(client);
    }
    assert_serving(&mut proc, port);
    let mut bystander = bystander;
    exchange(&mut bystander, b"still here\n", b"still here\n");
}

/// A client that sends 4 MiB, reads nothing and closes makes the server's
/// writes fail (`ECONNRESET`, `EPIPE`): that connection closes, the server
/// goes on (a server that dies of `SIGPIPE` fails here).
pub fn survives_client_vanishing_mid_write(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut bystander = connect(port);
    let client = connect(port);
    let writer = client.try_clone().expect("try_clone");
    let sender = thread::spawn(move || {
        let mut writer = writer;
        let _ = writer.write_all(&binary_data(4 << 20));
    });
    // Let the echo pile up, then vanish while the server is writing.
    wait_until("the echo to pile up in the client", || {
        socket_queues(&client).0 > 0
    });
    let _ = client.shutdown(Shutdown::Both);
    sender.join().expect("sender thread");
    reset(client);
    assert_serving(&mut proc, port);
    exchange(&mut bystander, b"after\n", b"after\n");
}

/// A client's line, its FIN and then its RST all arrive while the server is
/// stopped: Linux records `EPIPE` (not `ECONNRESET`) for a reset in
/// CLOSE_WAIT, so the echo the server writes once it runs again fails with
/// `EPIPE`, and raises `SIGPIPE`. A server that does not ignore `SIGPIPE`
/// dies here every time (§5.13's second write, on the server's side). The
/// whole process group is stopped, so a child serving the client (a forking
/// server's) is stopped too.
pub fn survives_epipe(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut client = connect(port);
    exchange(&mut client, b"registered\n", b"registered\n");
    proc.pause_group();
    client.write_all(b"gone\n").expect("write");
    client.shutdown(Shutdown::Write).expect("shutdown");
    wait_until("the server's side to take the FIN", || {
        tcp_state(&client) == FIN_WAIT2
    });
    reset(client);
    proc.resume_group();
    assert_serving(&mut proc, port);
    assert_running(&mut proc);
}

/// `max_clients` clients at once, each with its own line, all echoed.
pub fn many_clients(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let mut clients = connect_many(port, server.max_clients);
    echo_each(&mut clients, "first");
    echo_each(&mut clients, "second");
    assert_running(&mut proc);
    // Resets leave no TIME_WAIT behind: a thousand of them per run slow
    // down every connect(2) on the machine.
    clients.into_iter().for_each(reset);
}

/// With `max_clients` clients connected, one more is refused cleanly (closed
/// without an echo, or the server exits with `too many clients`); when the
/// server keeps running, the others are still served, and a slot freed by a
/// client that leaves serves a new client. Only for a server with a limit of
/// its own (`refuses_beyond_max: true`).
pub fn refuses_client_beyond_max(server: &EchoServer) {
    assert!(
        server.refuses_beyond_max,
        "{}: no limit of its own, nothing to refuse",
        server.name
    );
    let (mut proc, port) = server.start();
    let mut clients = connect_many(port, server.max_clients);
    echo_each(&mut clients, "before");
    let mut extra = connect(port);
    let _ = extra.write_all(b"one too many\n");
    let mut buf = [0u8; 64];
    match extra.read(&mut buf) {
        Ok(0) => {}
        Err(err) if err.kind() == io::ErrorKind::ConnectionReset => {}
        Ok(n) => panic!(
            "{}: client {} served: {:?}",
            server.name,
            server.max_clients + 1,
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(err) => panic!(
            "{}: extra client neither closed nor served: {err}",
            server.name
        ),
    }
    if !proc.is_running() {
        assert!(
            proc.stderr().contains("too many clients"),
            "{} exited without `too many clients`: {}",
            server.name,
            proc.stderr()
        );
        return;
    }
    echo_each(&mut clients, "after");
    // Free a slot: half-close, and the server's end of file says it has
    // closed its side; then reuse the slot.
    let mut leaver = clients.remove(0);
    leaver.shutdown(Shutdown::Write).expect("shutdown");
    let mut rest = Vec::new();
    leaver
        .read_to_end(&mut rest)
        .expect("the server's end of file");
    let mut newcomer = connect(port);
    exchange(&mut newcomer, b"newcomer\n", b"newcomer\n");
    assert_running(&mut proc);
    clients.into_iter().for_each(reset);
}

/// A client that sends without end and never reads fills its socket buffers
/// both ways. With `blocks_on_slow_reader` the server is then stuck in
/// `write(2)` and another client's line goes unanswered, until the slow
/// client goes away (§6.8); without it, everybody else is served meanwhile.
///
/// "Stuck" is read from the kernel, not guessed from time: the server's
/// socket to the slow client has a full send buffer (`ss -tm`); the
/// blocking server is seen asleep in a write-family system call while the
/// other client's line waits unread in its socket's receive queue.
pub fn slow_reader(server: &EchoServer) {
    let (mut proc, port) = server.start();
    let slow = connect(port);
    let server_end = |client: &TcpStream| {
        tcp_memory(client.peer_addr().unwrap(), client.local_addr().unwrap())
            .expect("the server's end of the connection")
    };
    let writer = slow.try_clone().expect("try_clone");
    let flood = thread::spawn(move || {
        let mut writer = writer;
        let chunk = binary_data(64 << 10);
        while writer.write_all(&chunk).is_ok() {}
    });
    wait_until(
        "the server's send buffer to the slow reader to fill",
        || server_end(&slow).send_buffer_full(),
    );

    let mut other = connect(port);
    other.write_all(b"anyone there?\n").expect("write");
    if server.blocks_on_slow_reader {
        // Seen at one instant: the server asleep in write(2) (no signal
        // pending to wake it), the other client's line unread in its socket
        // before and after. While the slow reader's receive window still
        // grows, the server may wake and serve the line: then a new client
        // tries again.
        let line_unread = |other: &TcpStream| server_end(other).unread == b"anyone there?\n".len();
        let what = format!("{} asleep in write(2) with a line unread", server.name);
        wait_until(&what, || {
            if socket_queues(&other).0 > 0 {
                other = connect(port);
                other.write_all(b"anyone there?\n").expect("write");
                return false;
            }
            line_unread(&other) && asleep_in(proc.pid(), &WRITE_SYSCALLS) && line_unread(&other)
        });
    } else {
        let mut reply = vec![0u8; b"anyone there?\n".len()];
        other
            .read_exact(&mut reply)
            .expect("echo while the slow reader is stuck");
        assert_eq!(reply, b"anyone there?\n");
        let mut newcomer = connect(port);
        exchange(&mut newcomer, b"me too\n", b"me too\n");
        assert!(
            server_end(&slow).unacked > 0,
            "the slow reader's data should still wait for the server"
        );
        // A blocking server may serve between two stalls; a nonblocking
        // one never sleeps in write(2).
        assert!(
            !blocked_in(proc.pid()).is_some_and(|nr| WRITE_SYSCALLS.contains(&nr)),
            "{}: asleep in write(2) on the slow reader",
            server.name
        );
    }

    let _ = slow.shutdown(Shutdown::Both);
    flood.join().expect("flood thread");
    reset(slow);
    if server.blocks_on_slow_reader {
        let mut reply = vec![0u8; b"anyone there?\n".len()];
        other
            .read_exact(&mut reply)
            .expect("echo once the slow reader has gone");
        assert_eq!(reply, b"anyone there?\n");
    }
    exchange(&mut other, b"and again\n", b"and again\n");
    assert_serving(&mut proc, port);
}

// ---- helpers ---------------------------------------------------------------

/// Raise the soft descriptor limit to the hard one, once per process, so the
/// test and the servers it spawns can hold a thousand connections and more.
fn raise_fd_limit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        }
    });
}

/// `n` clients connected to the server.
fn connect_many(port: u16, n: usize) -> Vec<TcpStream> {
    (0..n).map(|_| connect(port)).collect()
}

/// Send a distinct line on every client, then read every echo.
fn echo_each(clients: &mut [TcpStream], tag: &str) {
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .write_all(format!("{tag} {i}\n").as_bytes())
            .expect("write");
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let want = format!("{tag} {i}\n");
        let mut got = vec![0u8; want.len()];
        client
            .read_exact(&mut got)
            .unwrap_or_else(|err| panic!("client {i} not served: {err}"));
        assert_eq!(String::from_utf8_lossy(&got), want);
    }
}

/// Send `data` from a thread while reading the echo, so that neither side
/// blocks on a full buffer; with `half_close`, shut down the write side after
/// the data and require end of file after the echo.
fn assert_round_trip(client: TcpStream, data: &[u8], half_close: bool) {
    let mut writer = client.try_clone().expect("try_clone");
    let sent = data.to_vec();
    let sender = thread::spawn(move || {
        writer.write_all(&sent).expect("write");
        if half_close {
            writer.shutdown(Shutdown::Write).expect("shutdown");
        }
    });
    let mut reader = client;
    let mut got = vec![0u8; data.len()];
    reader.read_exact(&mut got).expect("read the echo");
    sender.join().expect("sender thread");
    assert!(got == data, "echo differs from what was sent");
    if half_close {
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).expect("read to end of file");
        assert!(rest.is_empty(), "{} bytes after the echo", rest.len());
    }
}

/// The server process is alive.
fn assert_running(proc: &mut Proc) {
    assert!(proc.is_running(), "server died: {}", proc.stderr());
}

/// The server process is alive and echoes for a new client.
fn assert_serving(proc: &mut Proc, port: u16) {
    assert_running(proc);
    let mut client = connect(port);
    exchange(&mut client, b"ping\n", b"ping\n");
}

/// The write-family system calls (write, writev, sendto, sendmsg).
const WRITE_SYSCALLS: [i64; 4] = [
    libc::SYS_write,
    libc::SYS_writev,
    libc::SYS_sendto,
    libc::SYS_sendmsg,
];
