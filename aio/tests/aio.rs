//! The asynchronous I/O servers: the echo conformance suite the select,
//! poll and epoll servers pass, what each shows about where the waiting
//! happens (a thread per read in flight for POSIX aio, none for io_uring),
//! no descriptor left behind by clients that vanish, and io_uring's
//! fallback where the kernel refuses it.

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::Command;

use unp_tests::conformance::{self, EchoServer};
use unp_tests::{assert_usage, bin, connect, exchange, proc_entries, reset, wait_until, TIMEOUT};

fn async_server(name: &'static str) -> EchoServer {
    EchoServer {
        name,
        args_before_port: vec![],
        max_clients: 1000,
        refuses_beyond_max: false,
        blocks_on_slow_reader: false,
    }
}

/// One `#[test]` per conformance check, for each server.
macro_rules! conformance_tests {
    ($($server:ident)*; $checks:tt) => {
        $(
            mod $server {
                conformance_tests!(@each $server $checks);
            }
        )*
    };
    (@each $server:ident ($($check:ident)*)) => {
        $(
            #[test]
            fn $check() {
                super::conformance::$check(&super::async_server(stringify!($server)));
            }
        )*
    };
}

conformance_tests!(aioserv01 uringserv01 uringserv02; (
    echoes_lines echoes_partial_line echoes_long_line echoes_binary
    half_close_gets_every_byte survives_reset survives_client_vanishing_mid_write
    survives_epipe many_clients slow_reader
));

/// `n` clients connected and served once, then left idle, each with a read
/// in flight on the server.
fn idle_clients(port: u16, n: usize) -> Vec<TcpStream> {
    let mut clients: Vec<TcpStream> = (0..n).map(|_| connect(port)).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        let line = format!("client {i}\n");
        exchange(client, line.as_bytes(), line.as_bytes());
    }
    clients
}

/// POSIX aio on glibc is a thread pool: each idle client's read is a thread
/// blocked in `read(2)`. With more idle clients than glibc's default 20
/// threads, the next client is still served (the server raised the limit
/// with `aio_init`).
#[test]
fn aioserv01_holds_a_thread_per_read_in_flight() {
    let (proc, port) = async_server("aioserv01").start();
    let idle = idle_clients(port, 30);
    wait_until("a thread per idle client", || {
        proc_entries(proc.pid(), "task") >= 2 + 30
    });
    exchange(&mut connect(port), b"client 31\n", b"client 31\n");
    drop(idle);
}

/// io_uring waits in the kernel: thirty idle clients, and the server is
/// still one thread.
#[test]
fn uringserv01_serves_idle_clients_with_one_thread() {
    let (proc, port) = async_server("uringserv01").start();
    let mut idle = idle_clients(port, 30);
    assert_eq!(proc_entries(proc.pid(), "task"), 1);
    exchange(&mut idle[29], b"still served\n", b"still served\n");
}

/// Clients that vanish while the server has an operation in flight on them
/// (a read waiting for data, a read of data sent just before the reset, a
/// write the client never reads): every descriptor is closed again, and for
/// aio every blocked thread is released (glibc's idle threads then exit).
fn vanishing_clients_leave_nothing(name: &'static str) {
    let (mut proc, port) = async_server(name).start();
    let pid = proc.pid();
    let before = proc_entries(pid, "fd");
    let bulk = vec![b'x'; 1 << 20];
    for i in 0..60 {
        let mut client = connect(port);
        match i % 3 {
            0 => {}
            1 => client.write_all(b"just before the reset\n").unwrap(),
            _ => {
                // Data whose echo the client never reads.
                client.set_nonblocking(true).unwrap();
                let _ = client.write(&bulk);
            }
        }
        reset(client);
    }
    wait_until("the server to close every vanished client", || {
        proc_entries(pid, "fd") == before
    });
    if name == "aioserv01" {
        wait_until("the aio threads to go idle and exit", || {
            proc_entries(pid, "task") == 2
        });
    }
    assert!(proc.is_running(), "{name} died: {}", proc.stderr());
    exchange(&mut connect(port), b"after\n", b"after\n");
}

#[test]
fn aioserv01_vanishing_clients_leave_nothing() {
    vanishing_clients_leave_nothing("aioserv01");
}

#[test]
fn uringserv01_vanishing_clients_leave_nothing() {
    vanishing_clients_leave_nothing("uringserv01");
}

/// Where `io_uring_setup(2)` is refused, as a seccomp filter in a container
/// refuses it, the server says so and exits 1 instead of crashing.
#[test]
fn uringserv01_says_when_io_uring_is_unavailable() {
    let mut cmd = Command::new(bin("uringserv01"));
    cmd.arg("0");
    // SAFETY: between fork and exec the child only calls prctl(2), which is
    // async-signal-safe, with a filter built before the fork.
    unsafe { cmd.pre_exec(deny_io_uring_setup) };
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(TIMEOUT)
        .assert()
        .code(1)
        .stdout("")
        .stderr("uringserv01: io_uring unavailable: Operation not permitted\n");
}

/// A seccomp filter that fails `io_uring_setup` with `EPERM` and allows
/// every other system call.
fn deny_io_uring_setup() -> std::io::Result<()> {
    const FILTER: [libc::sock_filter; 4] = [
        // Load the system call number (offset 0 of struct seccomp_data).
        bpf(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 0),
        bpf(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            1,
            0,
            libc::SYS_io_uring_setup as u32,
        ),
        bpf(libc::BPF_RET | libc::BPF_K, 0, 0, libc::SECCOMP_RET_ALLOW),
        bpf(
            libc::BPF_RET | libc::BPF_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        ),
    ];
    const fn bpf(code: u32, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
        libc::sock_filter {
            code: code as u16,
            jt,
            jf,
            k,
        }
    }
    let prog = libc::sock_fprog {
        len: FILTER.len() as u16,
        filter: FILTER.as_ptr().cast_mut(),
    };
    // SAFETY: prctl reads `prog` and the filter it points to during the call.
    let ok = unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            && libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog) == 0
    };
    match ok {
        true => Ok(()),
        false => Err(std::io::Error::last_os_error()),
    }
}

#[test]
fn bad_arguments() {
    assert_usage([
        ("aioserv01", &["1", "2"][..], "usage: aioserv01 [port]"),
        ("uringserv01", &["1", "2"], "usage: uringserv01 [port]"),
    ]);
}
