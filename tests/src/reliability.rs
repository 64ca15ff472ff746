//! The reliability suite: every TCP server of the workspace under hostile
//! conditions, one table ([`SERVERS`]) that each new chapter adds its
//! servers to, and checks that take a row:
//!
//! - (a) [`outlives_running_out_of_descriptors`]: under `prlimit
//!   --nofile=64`, 80 idle clients, then they leave: a new client is served;
//! - (b) [`pool_that_cannot_start_leaves_no_children`] and
//!   [`what_a_failed_fork_per_client_does`]: under a process limit
//!   (`RLIMIT_NPROC`, inside an unused uid made with `setpriv`, so that only
//!   the test's own processes count);
//! - (c) [`bad_arguments_are_one_line_and_exit_1`] for every binary, and
//!   [`a_failed_stdout_never_stops_it`] for every server;
//! - (d) [`attacks_leave_nothing_behind`]: resets, junk, a 10 MB line and a
//!   reader that never reads; then the server's descriptors, threads and
//!   live children are back to what they were, and a new client is served.
//!
//! Every wait is bounded ([`TIMEOUT`]) and waits for a state (a listening
//! port, a count in `/proc`), never for time to pass. What a server does
//! when something runs out is the README's "Under stress" section.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};

use nix::sys::signal::Signal;

use crate::{
    asleep_in, bin, binary_data, children_of, connect, descriptors, free_port, ignores, listens,
    port_holders, port_in_state, proc_entries, reset, wait_until, Proc, Stdout, TIMEOUT,
};

/// What a server answers, so that a check can tell that it served a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Echoes what it reads (chapters 5, 6, 14, 16, 25, the lab's peer).
    Echo,
    /// `tcpserv08`: a line of two numbers in, their sum out (Figure 5.17).
    TextSum,
    /// `tcpserv09`: two native `long`s in, their sum out (Figure 5.20).
    BinarySum,
    /// Chapter 30: a line holding N in, N bytes out (`web_child`).
    Web,
    /// Chapter 1: the time, then the server closes.
    Daytime,
    /// Tinyhttpd: `GET /` answered `200 OK`, then the server closes.
    Http,
    /// Tinyhttpd's `simpleserver`: a byte in, the next byte value out.
    NextByte,
}

impl Protocol {
    /// One request and its reply, for a server that answers at once.
    fn round_trip(self) -> (Vec<u8>, Vec<u8>) {
        match self {
            Protocol::Echo => (b"hello\n".to_vec(), b"hello\n".to_vec()),
            Protocol::TextSum => (b"1 2\n".to_vec(), b"3\n".to_vec()),
            Protocol::BinarySum => (
                [1i64.to_ne_bytes(), 2i64.to_ne_bytes()].concat(),
                3i64.to_ne_bytes().to_vec(),
            ),
            Protocol::Web => (b"100\n".to_vec(), vec![0; 100]), // web_child's bytes are zeros
            Protocol::Daytime => (Vec::new(), Vec::new()),
            Protocol::Http => (b"GET / HTTP/1.0\r\n\r\n".to_vec(), b"HTTP/1.".to_vec()),
            Protocol::NextByte => (b"A".to_vec(), b"B".to_vec()),
        }
    }
}

/// How a server makes its workers, for the process and thread limit checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workers {
    /// No process or thread per client or per pool slot.
    None,
    /// A `fork` per client, and the book's `Fork` ends the server when it
    /// fails: the book's lesson, kept (tcpserv01-04, 08, 09).
    ForkPerClientDies,
    /// A thread per client with the book's wrappers (chapter 26's
    /// threads-tcpserv01 and 02): the book's lesson, kept. A thread that
    /// cannot be made (`Pthread_create`), a descriptor that cannot be had
    /// (`Accept`) or one client that resets (`str_echo: read error`) ends
    /// the whole server, every other client with it.
    ThreadPerClientDies,
    /// A `fork` (serv01) or a thread (serv06, httpd, httpd-threaded) per
    /// client; one that cannot be made refuses only that client.
    PerClientRefuses,
    /// A pool of processes or threads made at start-up, its size the last
    /// argument: a pool that cannot be made ends the server, its workers
    /// with it.
    Pool,
}

/// A check that does not apply to a row, and why.
#[derive(Clone, Copy, Debug)]
pub struct Skip {
    pub check: Check,
    pub why: &'static str,
}

/// The checks of the suite, for [`Skip`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Descriptors,
    Processes,
    Stdout,
    Attacks,
}

/// A TCP server of the workspace.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    /// The binary.
    pub name: &'static str,
    /// Its arguments, `PORT` standing for the port.
    pub args: &'static [&'static str],
    /// Its environment, besides the test's.
    pub env: &'static [(&'static str, &'static str)],
    pub protocol: Protocol,
    pub workers: Workers,
    /// Whether SIGINT makes it print its report and exit 0 (chapter 30).
    pub reports_on_sigint: bool,
    /// Whether one process holds a descriptor for every client at once (a
    /// multiplexing loop, a thread per client): under the descriptor limit
    /// it runs out, and the check waits until it has. The others (an
    /// iterative server, a fork per client, a pool of blocking workers)
    /// hold a few and cannot run out.
    pub holds_every_client: bool,
    /// The checks that do not apply to it, each with its reason.
    pub skip: &'static [Skip],
    /// Why the attacks end it, as the book's program ends, if they do: the
    /// attack check then shows it ending ([`Workers::ThreadPerClientDies`])
    /// or is skipped (chapter 1's daytime servers, whose end depends on
    /// whether the reset comes before their one write).
    pub attacks_end_it: Option<&'static str>,
}

const fn row(name: &'static str, args: &'static [&'static str], protocol: Protocol) -> Server {
    Server {
        name,
        args,
        env: &[],
        protocol,
        workers: Workers::None,
        reports_on_sigint: false,
        holds_every_client: false,
        skip: &[],
        attacks_end_it: None,
    }
}

const fn book_fork(name: &'static str, protocol: Protocol) -> Server {
    Server {
        workers: Workers::ForkPerClientDies,
        ..row(name, &["PORT"], protocol)
    }
}

const fn chapter30(name: &'static str, args: &'static [&'static str], workers: Workers) -> Server {
    Server {
        workers,
        reports_on_sigint: true,
        ..row(name, args, Protocol::Web)
    }
}

const PORT: &[&str] = &["PORT"];
const POOL: &[&str] = &["PORT", "4"];
const SELECT_SLEEPS: &str = "sleeps 5 s before each accept: the lesson of §16.6, too slow";
/// Skip both checks that need many clients served in turn, for `$why`.
macro_rules! skip_both {
    ($why:expr $(,)?) => {
        &[
            Skip {
                check: Check::Descriptors,
                why: $why,
            },
            Skip {
                check: Check::Attacks,
                why: $why,
            },
        ]
    };
}

/// Chapter 1's iterative daytime servers.
const fn daytime(name: &'static str) -> Server {
    Server {
        attacks_end_it: Some(
            "the book's Write ends it when a client resets before its reply \
             (`write error: Connection reset by peer`), as the C's does",
        ),
        ..row(name, PORT, Protocol::Daytime)
    }
}

/// Chapter 26's thread per client with the book's wrappers.
const fn book_threads(name: &'static str) -> Server {
    Server {
        workers: Workers::ThreadPerClientDies,
        attacks_end_it: Some(
            "a client that resets ends it: the book's str_echo dies with \
             `str_echo: read error: Connection reset by peer`, and in a thread that is \
             the whole server (§26.4), as the C's does",
        ),
        ..multiplexing(row(name, PORT, Protocol::Echo))
    }
}

/// A row whose one process holds every client.
const fn multiplexing(server: Server) -> Server {
    Server {
        holds_every_client: true,
        ..server
    }
}
/// Every TCP server of the workspace. A new chapter adds its servers here.
pub const SERVERS: &[Server] = &[
    daytime("daytimetcpsrv"),
    daytime("daytimetcpsrv1"),
    Server {
        skip: skip_both!(
            "the book's Write ends it when a client leaves before its 26 one-byte \
             writes (`write error: Broken pipe`; the C dies of SIGPIPE): exercise 1.5's server",
        ),
        ..daytime("daytimetcpsrv2")
    },
    daytime("daytimetcpsrv3"),
    daytime("daytimetcpsrvv6"),
    book_fork("tcpserv01", Protocol::Echo),
    book_fork("tcpserv02", Protocol::Echo),
    book_fork("tcpserv03", Protocol::Echo),
    book_fork("tcpserv04", Protocol::Echo),
    book_fork("tcpserv08", Protocol::TextSum),
    book_fork("tcpserv09", Protocol::BinarySum),
    multiplexing(row("tcpservselect01", PORT, Protocol::Echo)),
    multiplexing(row("tcpservpoll01", PORT, Protocol::Echo)),
    multiplexing(row("tcpservepoll01", PORT, Protocol::Echo)),
    multiplexing(row("tcpservepoll02", PORT, Protocol::Echo)),
    multiplexing(row("tcpservreactor01", &["epoll", "PORT"], Protocol::Echo)),
    daytime("names-daytimetcpsrv1"),
    Server {
        args: &["::", "PORT"],
        ..daytime("names-daytimetcpsrv2")
    },
    Server {
        skip: skip_both!("sleeps 2 s before each close, its lesson: too slow for 80 clients"),
        ..daytime("names-daytimetcpsrv3")
    },
    daytime("daytimetcpsrv4"),
    Server {
        workers: Workers::ForkPerClientDies,
        ..row("advio-tcpserv02", PORT, Protocol::Echo)
    },
    Server {
        skip: skip_both!(SELECT_SLEEPS),
        ..row("tcpservselect03", PORT, Protocol::Echo)
    },
    Server {
        skip: skip_both!(SELECT_SLEEPS),
        ..row("tcpservselect04", PORT, Protocol::Echo)
    },
    multiplexing(row("tcpservbusy01", PORT, Protocol::Echo)),
    multiplexing(row("aioserv01", PORT, Protocol::Echo)),
    multiplexing(row("uringserv01", PORT, Protocol::Echo)),
    multiplexing(row("uringserv02", PORT, Protocol::Echo)),
    multiplexing(row("lab-tokio-echo", PORT, Protocol::Echo)),
    Server {
        // In the foreground (`unp::daemon::daemon_init`): the checks need
        // the server as the process they started. Its stdout is /dev/null.
        env: &[("UNP_FOREGROUND", "1")],
        ..daytime("inetd-daytimetcpsrv2")
    },
    Server {
        args: &["127.0.0.1", "PORT"],
        ..daytime("unixdomain-daytimetcpsrv2")
    },
    row("simpleserver", PORT, Protocol::NextByte),
    row("httpd-iterative", PORT, Protocol::Http),
    Server {
        workers: Workers::PerClientRefuses,
        ..multiplexing(row("httpd", PORT, Protocol::Http))
    },
    Server {
        workers: Workers::PerClientRefuses,
        ..multiplexing(row("httpd-threaded", PORT, Protocol::Http))
    },
    multiplexing(row("httpd-pool", PORT, Protocol::Http)),
    multiplexing(row("httpd-epoll", PORT, Protocol::Http)),
    multiplexing(row("httpd-loops", PORT, Protocol::Http)),
    // One epoll loop per child (a child per CPU), each with its own socket.
    multiplexing(row("httpd-reuseport", PORT, Protocol::Http)),
    multiplexing(row("httpd-uring", PORT, Protocol::Http)),
    book_fork("oob-tcpserv02", Protocol::Echo),
    book_threads("threads-tcpserv01"),
    book_threads("threads-tcpserv02"),
    book_fork("ipopts-tcpserv01", Protocol::Echo),
    chapter30("serv00", PORT, Workers::None),
    chapter30("serv01", PORT, Workers::PerClientRefuses),
    chapter30("serv02", POOL, Workers::Pool),
    chapter30("serv02l", POOL, Workers::Pool),
    chapter30("serv02m", POOL, Workers::Pool),
    chapter30("serv03", POOL, Workers::Pool),
    chapter30("serv03m", POOL, Workers::Pool),
    chapter30("serv04", POOL, Workers::Pool),
    chapter30("serv05", POOL, Workers::Pool),
    multiplexing(chapter30("serv06", PORT, Workers::PerClientRefuses)),
    chapter30("serv07", POOL, Workers::Pool),
    chapter30("serv08", POOL, Workers::Pool),
    chapter30("serv09", POOL, Workers::Pool),
    multiplexing(chapter30("serv10", PORT, Workers::None)),
    multiplexing(chapter30("serv11", POOL, Workers::Pool)),
    multiplexing(chapter30("serv12", POOL, Workers::Pool)),
    // One process, so that it holds all 80 clients.
    multiplexing(chapter30("serv13", &["PORT", "1"], Workers::Pool)),
    multiplexing(chapter30("serv14", PORT, Workers::None)),
];

/// Run `check` (`which`) on every row of [`SERVERS`]; then fail with the
/// list of servers that failed, if any.
pub fn run_on_every_server(which: Check, check: fn(&Server)) {
    let failures: Vec<String> = in_parallel(SERVERS, |server| {
        std::panic::catch_unwind(|| check(server))
            .err()
            .map(|panic| format!("{}: {}", server.name, text(&panic)))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        failures.is_empty(),
        "{which:?} failed for {} of {} servers:\n{}",
        failures.len(),
        SERVERS.len(),
        failures.join("\n")
    );
}

/// `f` of every item, in order, run by a few threads at once: each check
/// waits on its own processes, not on the CPU.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const THREADS: usize = 4;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                results.lock().expect("results").push((i, result));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

fn text(panic: &Box<dyn std::any::Any + Send>) -> String {
    match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
        (Some(text), _) => text.clone(),
        (_, Some(text)) => text.to_string(),
        _ => "panicked".into(),
    }
}

impl Server {
    fn args(&self, port: u16) -> Vec<String> {
        let port = port.to_string();
        self.args
            .iter()
            .map(|a| {
                if *a == "PORT" {
                    port.clone()
                } else {
                    a.to_string()
                }
            })
            .collect()
    }

    /// The command that runs it on `port`, behind `wrapper` (`prlimit ...`).
    fn command(&self, port: u16, wrapper: &[&str]) -> Command {
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut cmd = Command::new(first);
                cmd.args(rest).arg(bin(self.name));
                cmd
            }
            None => Command::new(bin(self.name)),
        };
        cmd.args(self.args(port)).envs(self.env.iter().copied());
        cmd
    }

    /// Start it behind `wrapper` (`prlimit ...`, or nothing), with `stdout`,
    /// and wait until it listens.
    fn start(&self, wrapper: &[&str], stdout: Stdout) -> (Proc, u16) {
        let mut tries = 0;
        let (proc, port) = loop {
            let port = free_port();
            let mut cmd = self.command(port, wrapper);
            stdout.set(&mut cmd);
            let mut proc = Proc::spawn_cmd(&mut cmd);
            // Not `wait_bound`, which wants the port held by the process
            // itself: serv13's and httpd-reuseport's parents leave it to
            // their children.
            let mut exited = false;
            wait_until(&format!("{} listening on {port}", self.name), || {
                exited = !proc.is_running();
                exited || port_in_state("tcp", port, "0A")
            });
            if !exited {
                break (proc, port);
            }
            // Another process (another test run) may bind a free port first.
            let taken = proc.stderr().contains("Address already in use");
            tries += 1;
            assert!(
                taken && tries < 3,
                "{}: {}\nsockets on port {port} now:\n{}",
                self.name,
                proc.stderr(),
                port_holders(port)
            );
        };
        assert!(
            ignores(proc.pid(), Signal::SIGPIPE),
            "{} does not ignore SIGPIPE: a client that resets while it writes kills it \
             (unp::server_args)",
            self.name
        );
        (proc, port)
    }

    /// Wait until a pool has made its workers (each prints `... starting`).
    fn wait_for_pool(&self, proc: &Proc) {
        if self.workers == Workers::Pool {
            let size: usize = self.args.last().unwrap().parse().unwrap();
            wait_until(&format!("{}'s {size} workers", self.name), || {
                proc.stdout().matches("starting").count() >= size
            });
        }
    }

    /// One client served, from connect to close; panics otherwise.
    pub fn serve_one(&self, port: u16) {
        let mut sock = connect(port);
        let (request, reply) = self.protocol.round_trip();
        sock.write_all(&request).expect("write the request");
        let got = match self.protocol {
            Protocol::Echo => {
                // advio-tcpserv02 holds its echoes until the client's end of file.
                sock.shutdown(Shutdown::Write).expect("shutdown");
                read_to_close(&mut sock)
            }
            Protocol::Daytime => {
                // names-daytimetcpsrv3 ends with an RST (SO_LINGER 0), its
                // lesson: a reset after the whole line is its close.
                let mut time = Vec::new();
                if let Err(err) = sock.read_to_end(&mut time) {
                    let reset = err.kind() == std::io::ErrorKind::ConnectionReset;
                    assert!(reset, "{}: {err} after {time:?}", self.name);
                }
                assert!(time.ends_with(b"\r\n"), "{}: {time:?}", self.name);
                return;
            }
            Protocol::Http => {
                let page = read_to_close(&mut sock);
                let head = String::from_utf8_lossy(&page[..page.len().min(12)]).into_owned();
                assert!(
                    head.starts_with("HTTP/1.") && head.ends_with(" 200"),
                    "{}: {head:?}",
                    self.name
                );
                return;
            }
            _ => {
                let mut got = vec![0; reply.len()];
                sock.read_exact(&mut got).expect("read the reply");
                got
            }
        };
        assert_eq!(got, reply, "{}: the reply", self.name);
    }
}

/// Everything the server sends until it closes.
fn read_to_close(sock: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    sock.read_to_end(&mut got)
        .expect("read to the server's close");
    got
}

/// (a) Under a descriptor limit ([`descriptors::LIMIT`]),
/// [`descriptors::CLIENTS`] clients connect and wait; once they have gone,
/// a new client is served and the server still runs. A server that holds
/// every client runs out, and goes through
/// [`descriptors::survives_running_out`]; the others cannot run out, and
/// must serve the clients queued meanwhile in turn. The book's threads per
/// client ([`Workers::ThreadPerClientDies`]) run out and die of it instead,
/// their lesson: [`dies_running_out_of_descriptors`].
pub fn outlives_running_out_of_descriptors(server: &Server) {
    if let Some(why) = server.skipped(Check::Descriptors) {
        return skipped(server, why);
    }
    if server.workers == Workers::ThreadPerClientDies {
        return dies_running_out_of_descriptors(server);
    }
    if server.holds_every_client {
        let args: Vec<&str> = server
            .args
            .iter()
            .map(|&arg| if arg == "PORT" { "{port}" } else { arg })
            .collect();
        let (request, reply) = server.protocol.round_trip();
        let proc = descriptors::survives_running_out(server.name, &args, &request, &reply);
        assert!(!proc.stderr().contains("panicked"), "{}", proc.stderr());
        return;
    }
    let limit = format!("--nofile={}", descriptors::LIMIT);
    let (mut proc, port) = server.start(&["prlimit", &limit, "--"], Stdout::Collected);
    let idle: Vec<TcpStream> = (0..descriptors::CLIENTS).map(|_| connect(port)).collect();
    drop(idle);
    server.serve_one(port);
    assert!(proc.is_running(), "{}: {}", server.name, proc.stderr());
    assert!(!proc.stderr().contains("panicked"), "{}", proc.stderr());
}

/// (a) for the book's thread per client: under the descriptor limit, the
/// clients' descriptors run out and the book's `Accept` ends the server
/// with `accept error: Too many open files`, exit 1.
pub fn dies_running_out_of_descriptors(server: &Server) {
    let limit = format!("--nofile={}", descriptors::LIMIT);
    let (mut proc, port) = server.start(&["prlimit", &limit, "--"], Stdout::Collected);
    // Once it has died, the later connects are refused.
    let _clients: Vec<TcpStream> = (0..descriptors::CLIENTS)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    let status = proc.wait_exit();
    let stderr = proc.stderr();
    assert_eq!(status.code(), Some(1), "{}: {stderr}", server.name);
    assert!(
        stderr.ends_with("accept error: Too many open files\n"),
        "{}: {stderr}",
        server.name
    );
}

/// The command that runs `server` on `port` as a uid no account uses
/// (different per port, so that parallel tests do not count each other's
/// processes), with at most `nproc` processes and threads for that uid.
fn under_process_limit(server: &Server, port: u16, nproc: u32) -> Command {
    let uid = 200_000 + u32::from(port);
    server.command(
        port,
        &[
            "setpriv",
            &format!("--reuid={uid}"),
            &format!("--regid={uid}"),
            "--clear-groups",
            "prlimit",
            &format!("--nproc={nproc}"),
            "--",
        ],
    )
}

/// (b) A pool of 4 under a limit of 3 processes (or threads) for its uid
/// cannot start: the server exits 1 with the book's `fork error` or
/// `pthread_create error`, and none of its workers is left.
pub fn pool_that_cannot_start_leaves_no_children(server: &Server) {
    if server.workers != Workers::Pool {
        return;
    }
    if crate::skip_unless_root("setpriv") {
        return;
    }
    let server = &Server {
        args: &["PORT", "8"], // a pool of 8 workers, under a limit of 3
        ..*server
    };
    let port = free_port();
    let mut proc = Proc::spawn_cmd(&mut under_process_limit(server, port, 3));
    let status = proc.wait_exit();
    let stderr = proc.stderr();
    assert_eq!(status.code(), Some(1), "{}: {stderr}", server.name);
    assert!(
        stderr.ends_with("fork error: Resource temporarily unavailable\n")
            || stderr.ends_with("pthread_create error: Resource temporarily unavailable\n"),
        "{}: {stderr}",
        server.name
    );
    let pgid = proc.pid();
    wait_until(&format!("{}'s workers to die", server.name), || {
        crate::process_group(pgid)
            .iter()
            .all(|(_, state)| *state == 'Z')
    });
    assert!(
        !port_in_state("tcp", port, "0A"),
        "port {port} still served"
    );
}

/// (b) Under a limit of 4 processes (or threads), 6 clients at once: the
/// book's fork-per-client servers die with `fork error` (the lesson of
/// the `Fork` wrapper); serv01 and serv06 refuse only the clients they
/// cannot serve, and serve the next once the others leave.
pub fn what_a_failed_fork_per_client_does(server: &Server) {
    let dies = match server.workers {
        Workers::ForkPerClientDies | Workers::ThreadPerClientDies => true,
        Workers::PerClientRefuses => false,
        _ => return,
    };
    if crate::skip_unless_root("setpriv") {
        return;
    }
    let port = free_port();
    let mut proc = Proc::spawn_cmd(&mut under_process_limit(server, port, 4));
    proc.wait_bound("tcp", port, "0A");
    // The book's servers die part-way: a later connect may be refused.
    let clients: Vec<TcpStream> = (0..6)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    let failed = |stderr: &str| {
        stderr.contains("fork error: Resource temporarily unavailable")
            || stderr.contains("pthread_create error: Resource temporarily unavailable")
    };
    if dies {
        let status = proc.wait_exit();
        assert_eq!(status.code(), Some(1), "{}", server.name);
        assert!(failed(&proc.stderr()), "{}: {}", server.name, proc.stderr());
        return;
    }
    wait_until(&format!("{} to refuse a client", server.name), || {
        failed(&proc.stderr())
    });
    drop(clients);
    wait_until(&format!("{}'s workers to end", server.name), || {
        live_children(proc.pid()) == 0 && proc_entries(proc.pid(), "task") <= 2
    });
    server.serve_one(port);
    assert!(proc.is_running(), "{}: {}", server.name, proc.stderr());
}

impl Server {
    /// Why `check` does not apply to it, if it does not.
    fn skipped(&self, check: Check) -> Option<&'static str> {
        self.skip.iter().find(|s| s.check == check).map(|s| s.why)
    }
}

fn skipped(server: &Server, why: &str) {
    eprintln!("{}: skipped: {why}", server.name);
}

fn live_children(pid: i32) -> usize {
    children_of(pid).iter().filter(|(_, s)| *s != 'Z').count()
}

/// (c) With its stdout `/dev/full`, a pipe nobody reads, then closed, the
/// server serves two clients, never panics, and (chapter 30) reports and
/// exits 0 on SIGINT.
pub fn a_failed_stdout_never_stops_it(server: &Server) {
    for stdout in ["/dev/full", "a pipe nobody reads", "closed"] {
        let fd = match stdout {
            "/dev/full" => Stdout::Replaced(dev_full()),
            "closed" => Stdout::Closed,
            _ => Stdout::Replaced(nix::unistd::pipe().expect("pipe").1), // the read end closed at once
        };
        let (mut proc, port) = server.start(&[], fd);
        server.serve_one(port);
        server.serve_one(port);
        assert!(
            proc.is_running(),
            "{} ({stdout}): {}",
            server.name,
            proc.stderr()
        );
        if server.reports_on_sigint {
            proc.signal(Signal::SIGINT);
            let status = proc.wait_exit();
            assert!(status.success(), "{} ({stdout}): {status:?}", server.name);
        }
        assert!(
            !proc.stderr().contains("panicked"),
            "{} ({stdout}): {}",
            server.name,
            proc.stderr()
        );
    }
}

fn dev_full() -> OwnedFd {
    OwnedFd::from(std::fs::File::create("/dev/full").expect("/dev/full"))
}

/// The server's descriptors, threads and live children.
fn counts(pid: i32) -> (usize, usize, usize) {
    (
        proc_entries(pid, "fd"),
        proc_entries(pid, "task"),
        live_children(pid),
    )
}

/// (d) Resets, junk, a 10 MB line with no newline, and a client that never
/// reads its replies; once they have gone, the server's descriptors,
/// threads and live children are what they were, and a new client is
/// served.
pub fn attacks_leave_nothing_behind(server: &Server) {
    if let Some(why) = server.skipped(Check::Attacks) {
        return skipped(server, why);
    }
    if server.workers == Workers::ThreadPerClientDies {
        return one_reset_ends_it(server);
    }
    if let Some(why) = server.attacks_end_it {
        return skipped(server, why);
    }
    let (mut proc, port) = server.start(&[], Stdout::Collected);
    server.wait_for_pool(&proc);
    server.serve_one(port);
    let pid = proc.pid();
    if server.workers == Workers::ForkPerClientDies || server.workers == Workers::PerClientRefuses {
        wait_until("the served client's worker to end", || {
            live_children(pid) == 0
        });
    }
    let baseline = counts(pid);

    for _ in 0..5 {
        let mut sock = connect(port);
        let _ = sock.write_all(b"10");
        reset(sock);
    }
    let mut junk = connect(port);
    bounded_writes(&junk);
    let _ = junk.write_all(&binary_data(65536));
    drop(junk);
    send_draining(port, &vec![b'7'; 10 << 20]);
    let slow = connect(port);
    slow.set_nonblocking(true).expect("nonblocking");
    let request: &[u8] = match server.protocol {
        Protocol::Web => b"16384\n",
        _ => b"a line the reader never reads back\n",
    };
    // Until the server, its replies unread, stops reading too.
    while let Ok(n) = (&slow).write(request) {
        assert!(n > 0);
    }
    drop(slow); // unread replies: an RST

    // A worker that served the last client may still be ending when the
    // baseline is taken, so descriptors and threads may end below it.
    wait_until(&format!("{} back to {baseline:?}", server.name), || {
        let (fds, threads, children) = counts(pid);
        fds <= baseline.0 && threads <= baseline.1 && children == baseline.2
    });
    server.serve_one(port);
    assert!(proc.is_running(), "{}: {}", server.name, proc.stderr());
    assert!(!proc.stderr().contains("panicked"), "{}", proc.stderr());
}

/// (d) for the book's thread per client: one client that resets while its
/// thread waits in `read` ends the server, every client with it: the
/// book's `str_echo` dies with `str_echo: read error: Connection reset by
/// peer`, exit 1, and in a thread that ends the process.
pub fn one_reset_ends_it(server: &Server) {
    let (mut proc, port) = server.start(&[], Stdout::Collected);
    let bystander = connect(port);
    let resetter = connect(port);
    // Both threads made: the resetter's waits in `read` when the RST comes.
    wait_until(&format!("{}'s two threads", server.name), || {
        proc_entries(proc.pid(), "task") == 3
    });
    reset(resetter);
    let status = proc.wait_exit();
    let stderr = proc.stderr();
    assert_eq!(status.code(), Some(1), "{}: {stderr}", server.name);
    assert_eq!(
        stderr, "str_echo: read error: Connection reset by peer\n",
        "{}",
        server.name
    );
    let mut got = Vec::new();
    // The bystander's connection ended with the process.
    let _ = (&bystander).read_to_end(&mut got);
    assert!(got.is_empty(), "{}: {got:?}", server.name);
}

/// Writes to `sock` fail after [`TIMEOUT`] instead of blocking for ever.
fn bounded_writes(sock: &TcpStream) {
    sock.set_write_timeout(Some(TIMEOUT))
        .expect("set_write_timeout");
}

/// Send `data` on a new connection to `port` with no newline, while a
/// thread reads whatever comes back (an echo server echoes it all), then
/// close; the server may close first.
fn send_draining(port: u16, data: &[u8]) {
    let mut sock = connect(port);
    bounded_writes(&sock);
    let mut reader = sock.try_clone().expect("try_clone");
    let drain = std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
    });
    let _ = sock.write_all(data);
    let _ = sock.shutdown(Shutdown::Write);
    drain.join().expect("drain");
}

/// Every binary of the workspace: the file names of each crate's
/// `src/bin/*.rs`, and the package name of each crate with a
/// `src/main.rs` (the lab).
pub fn binaries() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut names = Vec::new();
    for krate in std::fs::read_dir(&root).expect("the workspace").flatten() {
        if krate.path().join("src/main.rs").exists() {
            names.push(package_name(&krate.path().join("Cargo.toml")));
        }
        let Ok(bins) = std::fs::read_dir(krate.path().join("src/bin")) else {
            continue;
        };
        for file in bins.flatten() {
            if let Some(name) = file
                .file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
            {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    names
}

/// The `name` of a manifest's `[package]`: the name of its `src/main.rs`
/// binary.
fn package_name(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).expect("Cargo.toml");
    let package = text.split("[package]").nth(1).expect("[package]");
    let line = package
        .lines()
        .find_map(|line| line.trim().strip_prefix("name"))
        .expect("the package's name");
    line.trim_start_matches([' ', '='])
        .trim_matches('"')
        .to_string()
}

/// Where the program may wait once it runs normally: a server in `accept`
/// or its loop, a client waiting for a reply, a parent for its children.
const BLOCKING: &[i64] = &[
    libc::SYS_accept,
    libc::SYS_accept4,
    libc::SYS_poll,
    libc::SYS_ppoll,
    libc::SYS_select,
    libc::SYS_pselect6,
    libc::SYS_epoll_wait,
    libc::SYS_epoll_pwait,
    libc::SYS_read,
    libc::SYS_recvfrom,
    libc::SYS_recvmsg,
    libc::SYS_pause,
    libc::SYS_rt_sigsuspend,
    libc::SYS_rt_sigtimedwait,
    libc::SYS_nanosleep,
    libc::SYS_clock_nanosleep,
    libc::SYS_wait4,
    libc::SYS_waitid,
    libc::SYS_futex,
    libc::SYS_io_uring_enter,
];

/// (c) Bad arguments, with stdout `/dev/full`:
/// - never valid (not UTF-8, empty, 100,000 bytes, a port out of range),
///   each alone and after an address: one line on stderr and exit status 1;
/// - valid for some programs (a negative, zero or huge count after an
///   address and a port; `0` alone; `-` alone and after an address; an
///   unknown option `-Z`; twelve arguments): one line and exit 1, or the
///   program runs normally (exits 0, or waits in a blocking call or
///   listens, and is killed);
///
/// never a panic, never a hang.
pub fn bad_arguments_are_one_line_and_exit_1(name: &str) {
    let huge = "9".repeat(100_000);
    let never_valid: [&OsStr; 4] = [
        OsStr::from_bytes(b"\xff\xfe"),
        "".as_ref(),
        huge.as_ref(),
        "99999".as_ref(),
    ];
    for arg in never_valid {
        for before in [&[][..], &["127.0.0.1"]] {
            answers(name, &with(before, arg), Strict::Exit1);
        }
    }
    // A count where the pools and clients take one, after the port; `0`
    // alone is also a port (the kernel's choice) on which a server runs.
    let port = free_port().to_string();
    for count in ["-1", "0", "100000"] {
        answers(name, &["127.0.0.1", &port, count], Strict::OrRuns);
    }
    answers(name, &["0"], Strict::OrRuns);
    answers(name, &["-"], Strict::OrRuns);
    answers(name, &["127.0.0.1", "-"], Strict::OrRuns);
    answers(name, &["-Z"], Strict::OrRuns);
    let mut too_many = vec!["127.0.0.1", &port];
    too_many.extend(["1"; 10]);
    answers(name, &too_many, Strict::OrRuns);
}

/// The arguments `before`, then `arg`.
fn with<'a>(before: &[&'a str], arg: &'a OsStr) -> Vec<&'a OsStr> {
    before.iter().map(|a| OsStr::new(*a)).chain([arg]).collect()
}

/// Servers that never block once they run (tcpservbusy01 polls its
/// nonblocking sockets, its lesson): listening is their sign of running.
/// Not for the others: a server listens before it makes its pool, and
/// `serv07 127.0.0.1 PORT 100000` panicked while making its threads.
const NEVER_BLOCKS: &[&str] = &["tcpservbusy01"];

/// Whether a program may also run normally on the arguments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strict {
    Exit1,
    OrRuns,
}

/// Run `name` with `args` (stdin `/dev/null`, stdout `/dev/full`) and check
/// its answer (see [`bad_arguments_are_one_line_and_exit_1`]); a program
/// that neither exits nor settles fails after [`TIMEOUT`].
fn answers<A: AsRef<OsStr> + std::fmt::Debug>(name: &str, args: &[A], strict: Strict) {
    let shown = format!("{name} {args:.40?}");
    let mut cmd = Command::new(bin(name));
    // A daemon stays in its process group, which the harness kills.
    cmd.args(args).env("UNP_FOREGROUND", "1");
    Stdout::Replaced(dev_full()).set(&mut cmd);
    let mut proc = Proc::start(&mut cmd, Stdio::null()).expect("spawn");
    let mut status = None;
    wait_until(&format!("{shown} to exit or wait"), || {
        status = proc.try_exit();
        let runs = || {
            asleep_in(proc.pid(), BLOCKING) || (NEVER_BLOCKS.contains(&name) && listens(proc.pid()))
        };
        status.is_some() || (strict == Strict::OrRuns && runs())
    });
    let Some(status) = status else {
        // Runs normally; dropping `proc` kills its process group.
        let stderr = proc.stderr();
        assert!(!stderr.contains("panicked"), "{shown}: {stderr:.200}");
        return;
    };
    proc.wait_exit(); // its stderr read to the end
    let stderr = proc.stderr();
    assert!(!stderr.contains("panicked"), "{shown}: {stderr:.200}");
    if strict == Strict::OrRuns && status.success() {
        return;
    }
    assert_eq!(status.code(), Some(1), "{shown}: {stderr:.200}");
    assert!(
        stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
        "{shown}: not one line: {stderr:.200}"
    );
}

/// Clients that print what a server sends, each with its arguments
/// (`PORT` standing for the port), the server it talks to (run with the
/// port alone), and what it reads on stdin.
const CLIENTS: &[(&str, &[&str], &str, &str)] = &[
    (
        "daytimetcpcli",
        &["127.0.0.1", "PORT"],
        "daytimetcpsrv1",
        "",
    ),
    ("tcpcli01", &["127.0.0.1", "PORT"], "tcpserv04", "hello\n"),
    ("tcpcli04", &["127.0.0.1", "PORT"], "tcpserv04", ""),
    (
        "select-tcpcli01",
        &["127.0.0.1", "PORT"],
        "tcpservselect01",
        "hello\n",
    ),
    ("udpcli01", &["127.0.0.1", "PORT"], "udpserv01", "hello\n"),
    (
        "client",
        &["127.0.0.1", "PORT", "2", "2", "100"],
        "serv01",
        "",
    ),
];

/// (c) Each client of [`CLIENTS`], with its stdout `/dev/full`, then
/// closed, against its server: it exits 0 or 1 (`fputs error`), never
/// panics.
pub fn clients_with_a_failed_stdout_never_panic() {
    in_parallel(CLIENTS, |&(name, args, server_name, input)| {
        let port = free_port();
        let port_arg = port.to_string();
        let _server = match server_name.starts_with("udp") {
            true => crate::udp_server(server_name, &[&port_arg], port),
            false => crate::server(server_name, &[&port_arg], port),
        };
        for (shown_stdout, stdout) in [
            ("/dev/full", Stdout::Replaced(dev_full())),
            ("closed", Stdout::Closed),
        ] {
            let mut cmd = Command::new(bin(name));
            cmd.args(
                args.iter()
                    .map(|&a| if a == "PORT" { &port_arg } else { a }),
            );
            stdout.set(&mut cmd);
            let mut proc = Proc::start(&mut cmd, Stdio::piped()).expect("spawn");
            proc.write_stdin(input.as_bytes()).expect("stdin");
            proc.close_stdin();
            let status = proc.wait_exit();
            let shown = format!("{name} (stdout {shown_stdout})");
            let stderr = proc.stderr();
            assert!(!stderr.contains("panicked"), "{shown}: {stderr}");
            assert!(
                matches!(status.code(), Some(0 | 1)),
                "{shown}: {status:?}: {stderr}"
            );
        }
    });
}
