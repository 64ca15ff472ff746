//! The test harness every chapter's tests share: real processes on
//! loopback, free ports only, every wait bounded.
//!
//! - [`bin`] finds a workspace binary (all are built by `cargo test --workspace`);
//! - [`free_port`] picks a port free for both TCP and UDP;
//! - [`Proc`] runs a program in its own process group, collects its output,
//!   lets the test type into its stdin if asked ([`Proc::spawn_typed`]),
//!   and kills the whole group (forked children included) on drop;
//! - [`server`] spawns a TCP server and waits until its port is listening;
//! - [`client`] is an `assert_cmd` command with a timeout, so a hung client
//!   fails the test instead of hanging it;
//! - [`in_netns`] runs a shell script in a private network namespace, where
//!   the book's fixed ports (7, 13, 9877) are free;
//! - small helpers the chapters share: [`run_client`], [`connect`], [`exchange`] and
//!   [`reset`] on a TCP connection, [`binary_data`], [`udp_socket`] and [`assert_udp_echoes`],
//!   and what `/proc` says of a process ([`proc_stat`], [`proc_entries`],
//!   [`blocked_in`]).

pub mod conformance;
pub mod descriptors;

use std::hash::{BuildHasher, Hasher, RandomState};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use socket2::{Domain, Socket, Type};

/// How long any wait in a test may last before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The path of a workspace binary, next to the test executable's own
/// `deps/` directory.
pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.exists(),
        "{} not built: run `cargo test --workspace`",
        path.display()
    );
    path
}

/// A port that nothing uses for TCP (IPv4 or IPv6) or UDP right now, drawn
/// at random from below the ephemeral range, so that no client connection
/// of a test running beside this one can take it before the server binds
/// it. The checks bind without `SO_REUSEADDR`, as the book's servers do, so
/// a port still held by a connection in TIME_WAIT is not returned.
pub fn free_port() -> u16 {
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768u16);
    let (low, high) = (10_000u16, ephemeral_low.max(10_001));
    loop {
        let random = RandomState::new().build_hasher().finish();
        let port = low + (random % u64::from(high - low)) as u16;
        let bindable = |domain, ty| {
            let sock = Socket::new(domain, ty, None).expect("socket");
            let any: SocketAddr = match domain {
                Domain::IPV6 => (Ipv6Addr::UNSPECIFIED, port).into(),
                _ => (Ipv4Addr::UNSPECIFIED, port).into(),
            };
            (domain != Domain::IPV6 || sock.set_only_v6(true).is_ok())
                && sock.bind(&any.into()).is_ok()
        };
        if bindable(Domain::IPV4, Type::STREAM)
            && bindable(Domain::IPV6, Type::STREAM)
            && bindable(Domain::IPV4, Type::DGRAM)
            && bindable(Domain::IPV6, Type::DGRAM)
        {
            return port;
        }
    }
}

/// Poll `done` every 10 ms until it holds; panic with `what` after [`TIMEOUT`].
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// A running program. Its stdout and stderr are collected as they arrive;
/// its stdin is closed, or a pipe the test types into; dropping it kills its
/// whole process group and reaps it.
pub struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Collected,
    stderr: Collected,
}

/// What a thread has read so far from one of a program's pipes.
struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
    reader: thread::JoinHandle<()>,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collected {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&bytes);
    let reader = thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    Collected { bytes, reader }
}

impl Collected {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }
}

impl Proc {
    /// Start `name` with `args` in a new process group, stdin closed.
    pub fn spawn(name: &str, args: &[&str]) -> Proc {
        Proc::spawn_cmd(Command::new(bin(name)).args(args))
    }

    /// Start `name` with `args` in a new process group, its stdin a pipe
    /// the test writes to with [`Proc::type_line`] and closes with
    /// [`Proc::close_stdin`] (or by dropping the `Proc`).
    pub fn spawn_typed(name: &str, args: &[&str]) -> Proc {
        Proc::start(Command::new(bin(name)).args(args), Stdio::piped())
    }

    /// Start a prepared command in a new process group, stdin closed.
    pub fn spawn_cmd(cmd: &mut Command) -> Proc {
        Proc::start(cmd, Stdio::null())
    }

    fn start(cmd: &mut Command, stdin: Stdio) -> Proc {
        let mut child = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("spawn");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Proc {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// What the program has written to stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// What the program has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// Wait until stdout contains `text`.
    pub fn wait_stdout(&self, text: &str) -> String {
        wait_until(&format!("{text:?} on stdout"), || {
            self.stdout().contains(text)
        });
        self.stdout()
    }

    /// Write `text` (the caller ends its lines with `\n`) to the stdin of a
    /// program started with [`Proc::spawn_typed`], at once, unbuffered.
    pub fn type_line(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin piped and still open");
        stdin
            .write_all(text.as_bytes())
            .expect("write to the program's stdin");
    }

    /// Close the program's stdin: it reads end of file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Send `sig` to the program (not its children).
    pub fn signal(&self, sig: Signal) {
        let _ = kill(Pid::from_raw(self.pid()), sig);
    }

    /// The exit status, once the program has exited; panics after [`TIMEOUT`].
    /// Its output is then complete: the pipes are read to their end, unless
    /// a child it forked still holds them open a second later.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let mut status = None;
        wait_until("the program to exit", || {
            status = self.child.try_wait().expect("try_wait");
            status.is_some()
        });
        let start = Instant::now();
        while !(self.stdout.reader.is_finished() && self.stderr.reader.is_finished())
            && start.elapsed() < Duration::from_secs(1)
        {
            thread::sleep(Duration::from_millis(5));
        }
        status.unwrap()
    }

    /// Whether the program is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether some socket of `proto` (`tcp` or `udp`) is bound to `port` in
/// state `state`: `0A` (LISTEN) for TCP, `07` (a bound, unconnected socket)
/// for UDP, the state codes of `/proc/net/tcp`. Asks `ss(8)`, whose netlink
/// query the kernel filters: reading `/proc/net/tcp` itself takes seconds
/// once a test run has left tens of thousands of sockets in TIME_WAIT.
pub fn port_in_state(proto: &str, port: u16, state: &str) -> bool {
    let flags = match (proto, state) {
        ("tcp", "0A") => "-Hltn",
        ("udp", "07") => "-Hlun",
        _ => panic!("port_in_state: no query for {proto} state {state}"),
    };
    let out = Command::new("ss")
        .args([flags, &format!("sport = :{port}")])
        .output()
        .expect("ss(8), from iproute2, is needed by the tests");
    !out.stdout.is_empty()
}

impl Proc {
    /// Wait until a socket of `proto` is bound on `port` in `state`; fails at
    /// once, with the program's stderr, if the program exits first.
    pub fn wait_bound(&mut self, proto: &str, port: u16, state: &str) {
        wait_until(&format!("{proto} port {port}"), || {
            if !self.is_running() {
                panic!(
                    "server exited before binding {proto} port {port}: {}",
                    self.stderr()
                );
            }
            port_in_state(proto, port, state)
        });
    }
}

/// Start the TCP server `name` with `args` and wait until `port` listens.
pub fn server(name: &str, args: &[&str], port: u16) -> Proc {
    let mut proc = Proc::spawn(name, args);
    proc.wait_bound("tcp", port, "0A");
    proc
}

/// Start the UDP server `name` with `args` and wait until `port` is bound.
pub fn udp_server(name: &str, args: &[&str], port: u16) -> Proc {
    let mut proc = Proc::spawn(name, args);
    proc.wait_bound("udp", port, "07");
    proc
}

/// The program `name` as an `assert_cmd` command that fails after
/// [`TIMEOUT`] instead of hanging.
pub fn client(name: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin(name));
    cmd.timeout(TIMEOUT);
    cmd
}

/// Run `script` with bash in a private network namespace whose loopback is
/// up, so the book's fixed ports (7, 13, 9877) are free; needs root, as CI
/// has. The namespace has its own PID namespace too, so every process the
/// script starts dies with it, even on a timeout. The workspace binaries are
/// on `PATH`, and the script can call `wait_listen PORT` and `wait_udp PORT`,
/// bounded waits on `/proc/net`.
pub fn in_netns(script: &str) -> assert_cmd::Command {
    let dir = bin_dir();
    let prelude = format!(
        r#"set -e
ip link set lo up
export PATH="{dir}:$PATH"
wait_port() {{
    local hex; hex=$(printf ':%04X' "$2")
    for _ in $(seq 2000); do
        awk -v p="$hex" -v s="$3" 'NR > 1 && substr($2, length($2) - 4) == p && $4 == s {{ f = 1 }} END {{ exit !f }}' \
            "/proc/net/$1" "/proc/net/${{1}}6" && return 0
        sleep 0.01
    done
    echo "timed out waiting for $1 port $2" >&2
    return 1
}}
wait_listen() {{ wait_port tcp "$1" 0A; }}
wait_udp() {{ wait_port udp "$1" 07; }}
"#,
        dir = dir.display()
    );
    let mut cmd = assert_cmd::Command::new("unshare");
    cmd.args(["--net", "--pid", "--fork", "--kill-child", "--mount-proc"])
        .args(["bash", "-c"])
        .arg(prelude + script)
        .timeout(TIMEOUT);
    cmd
}

/// The directory the workspace binaries are built into.
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .to_path_buf()
}

// ---- helpers the chapters' tests share --------------------------------------

/// A test-side client of the server on 127.0.0.1 `port` (a number, or the
/// text passed to a program as its port argument), its reads bounded by
/// [`TIMEOUT`].
pub fn connect(port: impl std::fmt::Display) -> TcpStream {
    let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("set_read_timeout");
    stream
}

/// Run the client `name` with `args` and `input` on its stdin, until it
/// exits: its stderr must be `stderr` and its exit status 0. Returns its
/// stdout, bytes as they came.
pub fn run_client(name: &str, args: &[&str], input: &[u8], stderr: &str) -> Vec<u8> {
    let out = client(name)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        stderr,
        "{name} stderr"
    );
    assert!(out.status.success(), "{name}: {:?}", out.status);
    out.stdout
}

/// Send `request` on `sock` and read exactly `reply.len()` bytes, which must
/// be `reply`: one round trip with an echo server (`reply` = `request`) or
/// any request-reply server.
pub fn exchange(sock: &mut TcpStream, request: &[u8], reply: &[u8]) {
    sock.write_all(request).expect("write");
    let mut got = vec![0; reply.len()];
    sock.read_exact(&mut got).expect("read the reply");
    assert!(got == reply, "reply {got:?}, expected {reply:?}");
}

/// Close `sock` with `SO_LINGER` 0: the peer gets an RST instead of a FIN.
pub fn reset(sock: TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt reads `linger` for its declared size; the
    // descriptor is open for the duration of the call.
    unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// `len` deterministic bytes covering every value, NULs and newlines
/// included.
pub fn binary_data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A UDP socket on 127.0.0.1 for talking to a server, its reads bounded by
/// [`TIMEOUT`].
pub fn udp_socket() -> UdpSocket {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(TIMEOUT))
        .expect("set_read_timeout");
    sock
}

/// Datagrams from empty to the largest UDP payload go to the server on
/// `port`, and each comes back from that port cut to `maxline` bytes
/// (`MAXLINE`, 4096, for the book's `dg_echo`), otherwise unchanged.
pub fn assert_udp_echoes(port: u16, maxline: usize) {
    let sock = udp_socket();
    let mut reply = vec![0u8; 65536];
    for len in [0, 1, 20, 21, 1472, 4096, 4097, 65507] {
        let sent = binary_data(len);
        sock.send_to(&sent, ("127.0.0.1", port)).expect("send_to");
        let (n, from) = sock.recv_from(&mut reply).expect("reply");
        assert_eq!(from.port(), port);
        assert!(
            reply[..n] == sent[..len.min(maxline)],
            "datagram of {len} bytes"
        );
    }
}

/// The fields of `/proc/<pid>/stat` after the command name, so that
/// `[0]` is the state letter, `[1]` the parent, `[2]` the process group,
/// `[11]` and `[12]` the user and system CPU ticks (see
/// [`proc_pid_stat(5)`](https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html)).
/// `None` once the process is gone.
pub fn proc_stat(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may itself hold spaces or ')'.
    let (_, fields) = stat.rsplit_once(')')?;
    Some(fields.split_whitespace().map(str::to_owned).collect())
}

/// The children of `ppid` (field 4 of `/proc/<pid>/stat`), each with its
/// state letter (`S`, `R`, `T`, `Z`, ...).
pub fn children_of(ppid: i32) -> Vec<(i32, char)> {
    processes_whose(1, ppid)
}

/// The members of process group `pgid` (field 5 of `/proc/<pid>/stat`),
/// each with its state letter.
pub fn process_group(pgid: i32) -> Vec<(i32, char)> {
    processes_whose(2, pgid)
}

/// Every process whose stat field `index` (counted after the command name:
/// 0 is the state) equals `value`, with its state letter.
fn processes_whose(index: usize, value: i32) -> Vec<(i32, char)> {
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
                .filter_map(|pid: i32| {
                    let fields = proc_stat(pid)?;
                    (fields.get(index)?.parse() == Ok(value))
                        .then(|| Some((pid, fields[0].chars().next()?)))?
                })
                .collect()
        })
        .unwrap_or_default()
}

/// How many entries `/proc/<pid>/<dir>` has: open descriptors for `fd`,
/// threads for `task`; 0 once the process is gone.
pub fn proc_entries(pid: i32, dir: &str) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/{dir}"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

/// The number of the system call `pid` is blocked in (`libc::SYS_*`), per
/// `/proc/<pid>/syscall`; `None` while it runs, or once it is gone.
pub fn blocked_in(pid: i32) -> Option<i64> {
    std::fs::read_to_string(format!("/proc/{pid}/syscall"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
