//! Programs run in their own process group, killed with it on drop, and what
//! `/proc` says of a process.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

use crate::{port_bound_by, wait_for, wait_until, TIMEOUT};

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

/// The directory the workspace binaries are built into: the parent of the
/// running executable's directory (`target/debug/deps/..`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .to_path_buf()
}

/// A running program. Its stdout and stderr are collected as they arrive;
/// its stdin is closed, or a pipe the caller writes to; dropping it kills its
/// whole process group and reaps it.
pub struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Collected,
    stderr: Collected,
    /// How much of stdout [`Proc::next_line`] has handed out.
    lines_read: usize,
}

/// What a thread has read so far from one of a program's pipes, and whether
/// the pipe has reached its end.
struct Collected {
    shared: Arc<(Mutex<Pipe>, Condvar)>,
}

#[derive(Default)]
struct Pipe {
    bytes: Vec<u8>,
    closed: bool,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collected {
    let shared = Arc::new((Mutex::new(Pipe::default()), Condvar::new()));
    let sink = Arc::clone(&shared);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            let n = pipe.read(&mut buf).unwrap_or(0);
            let (pipe, arrived) = &*sink;
            let mut pipe = pipe.lock().unwrap();
            if n == 0 {
                pipe.closed = true;
            } else {
                pipe.bytes.extend_from_slice(&buf[..n]);
            }
            arrived.notify_all();
            if n == 0 {
                return;
            }
        }
    });
    Collected { shared }
}

impl Collected {
    fn lock(&self) -> MutexGuard<'_, Pipe> {
        self.shared.0.lock().unwrap()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock().bytes).into_owned()
    }

    /// Wait at most `timeout` for `done` to hold of the pipe; returns the
    /// pipe, whether or not it does.
    fn wait(&self, timeout: Duration, done: impl Fn(&Pipe) -> bool) -> MutexGuard<'_, Pipe> {
        let (_, arrived) = &*self.shared;
        arrived
            .wait_timeout_while(self.lock(), timeout, |pipe| !done(pipe))
            .unwrap()
            .0
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
        Proc::start(Command::new(bin(name)).args(args), Stdio::piped()).expect("spawn")
    }

    /// Start a prepared command in a new process group, stdin closed.
    pub fn spawn_cmd(cmd: &mut Command) -> Proc {
        Proc::start(cmd, Stdio::null()).expect("spawn")
    }

    /// Start a prepared command (any program: the caller may have set its
    /// `pre_exec`) in a new process group, with `stdin`, its stdout and
    /// stderr collected.
    pub fn start(cmd: &mut Command, stdin: Stdio) -> io::Result<Proc> {
        let mut child = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let stdout = collect(child.stdout.take().expect("stdout piped"));
        let stderr = collect(child.stderr.take().expect("stderr piped"));
        Ok(Proc {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            lines_read: 0,
        })
    }

    /// The process id, which is also its process group id.
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

    /// Wait until stdout contains `text`; returns all of stdout.
    pub fn wait_stdout(&self, text: &str) -> String {
        let found = |pipe: &Pipe| String::from_utf8_lossy(&pipe.bytes).contains(text);
        let pipe = self.stdout.wait(TIMEOUT, found);
        assert!(found(&pipe), "timed out waiting for {text:?} on stdout");
        String::from_utf8_lossy(&pipe.bytes).into_owned()
    }

    /// The next line of stdout (without its newline), waiting at most
    /// `timeout` for it; `Ok(None)` once stdout is closed and every line
    /// handed out, `ErrorKind::TimedOut` if no line came in time.
    pub fn next_line(&mut self, timeout: Duration) -> io::Result<Option<String>> {
        let from = self.lines_read;
        let pipe = self.stdout.wait(timeout, |pipe| {
            pipe.closed || pipe.bytes[from..].contains(&b'\n')
        });
        let rest = &pipe.bytes[from..];
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], end + 1),
            None if !pipe.closed => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no line on stdout for {timeout:?}"),
                ))
            }
            None if rest.is_empty() => return Ok(None),
            None => (rest, rest.len()),
        };
        let line = String::from_utf8_lossy(line).into_owned();
        drop(pipe);
        self.lines_read += used;
        Ok(Some(line))
    }

    /// Write `text` (the caller ends its lines with `\n`) to the stdin of a
    /// program started with a piped stdin, at once, unbuffered.
    pub fn write_stdin(&mut self, text: &[u8]) -> io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(|| {
            io::Error::new(io::ErrorKind::BrokenPipe, "stdin not piped or closed")
        })?;
        stdin.write_all(text)?;
        stdin.flush()
    }

    /// [`Proc::write_stdin`] for a test: panics if the program does not
    /// take it.
    pub fn type_line(&mut self, text: &str) {
        self.write_stdin(text.as_bytes())
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

    /// Stop the program with `SIGSTOP` and wait until it is stopped (state
    /// `T` in `/proc`): from then on it runs no instruction until
    /// [`Proc::resume`], so what its sockets receive meanwhile queues up.
    pub fn pause(&self) {
        self.signal(Signal::SIGSTOP);
        wait_until("the program to stop", || {
            proc_stat(self.pid()).is_some_and(|stat| stat[0] == "T")
        });
    }

    /// Let a program stopped by [`Proc::pause`] run again (`SIGCONT`).
    pub fn resume(&self) {
        self.signal(Signal::SIGCONT);
    }

    /// [`Proc::pause`] for every process of the program's group (a forking
    /// server's children too), waiting until each one is stopped.
    pub fn pause_group(&self) {
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGSTOP);
        wait_until("every process of the group to stop", || {
            process_group(self.pid())
                .iter()
                .all(|&(_, state)| state == 'T' || state == 'Z')
        });
    }

    /// Let the group stopped by [`Proc::pause_group`] run again.
    pub fn resume_group(&self) {
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGCONT);
    }

    /// The exit status, if the program has exited.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Whether the program is still running.
    pub fn is_running(&mut self) -> bool {
        self.try_exit().is_none()
    }

    /// The exit status, once the program has exited within `timeout`; its
    /// output is then complete: the pipes are read to their end, unless a
    /// child it forked still holds them open a second later.
    pub fn wait_exit_within(&mut self, timeout: Duration) -> io::Result<ExitStatus> {
        let mut status = None;
        wait_for("the program to exit", timeout, || {
            status = self.try_exit();
            status.is_some()
        })?;
        for pipe in [&self.stdout, &self.stderr] {
            drop(pipe.wait(Duration::from_secs(1), |pipe| pipe.closed));
        }
        Ok(status.expect("exited"))
    }

    /// [`Proc::wait_exit_within`] [`TIMEOUT`], for a test: panics after it.
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.wait_exit_within(TIMEOUT)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Wait at most `timeout` until the program (or a child it forked) holds
    /// a socket of `proto` (`tcp` or `udp`) bound on `port` in `state` (see
    /// [`port_bound_by`]); fails at once, with the program's stderr, if the
    /// program exits first.
    pub fn wait_bound_within(
        &mut self,
        proto: &str,
        port: u16,
        state: &str,
        timeout: Duration,
    ) -> io::Result<()> {
        let mut exited = None;
        wait_for(&format!("{proto} port {port}"), timeout, || {
            exited = self.try_exit();
            // The program leads its own process group.
            exited.is_some() || port_bound_by(proto, port, state, self.pid())
        })?;
        match exited {
            Some(status) => Err(io::Error::other(format!(
                "exited ({status}) before binding {proto} port {port}: {}\n\
                 sockets on port {port} now:\n{}",
                self.stderr().trim_end(),
                crate::net::port_holders(port)
            ))),
            None => Ok(()),
        }
    }

    /// [`Proc::wait_bound_within`] [`TIMEOUT`], for a test: panics on failure.
    pub fn wait_bound(&mut self, proto: &str, port: u16, state: &str) {
        if let Err(err) = self.wait_bound_within(proto, port, state, TIMEOUT) {
            panic!("server: {err}");
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
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

// ---- what /proc says of a process -------------------------------------------

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

/// A signal mask of `/proc/<pid>/status` (`SigPnd`, `ShdPnd`, `SigIgn`...):
/// bit N-1 stands for signal N. `None` when the process or field is gone.
fn status_mask(pid: i32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?;
    u64::from_str_radix(mask.trim(), 16).ok()
}

/// Whether `pid` has a signal pending, to the process or to its main
/// thread (`ShdPnd` or `SigPnd` of `/proc/<pid>/status` not zero).
pub fn signal_pending(pid: i32) -> bool {
    ["ShdPnd", "SigPnd"]
        .iter()
        .any(|field| status_mask(pid, field).is_some_and(|mask| mask != 0))
}

/// Whether `pid` ignores `sig` (its bit in `SigIgn` of `/proc/<pid>/status`).
pub fn ignores(pid: i32, sig: Signal) -> bool {
    status_mask(pid, "SigIgn").is_some_and(|mask| mask & (1 << (sig as i32 - 1)) != 0)
}

/// Whether `pid` sleeps in one of `syscalls` (`libc::SYS_*`) with no signal
/// pending: once whatever could wake it has happened, it will do nothing
/// more. Read twice around the pending check, so that a signal handled
/// meanwhile (its handler run, the call restarted) is not mistaken for rest.
pub fn asleep_in(pid: i32, syscalls: &[i64]) -> bool {
    let blocked = || blocked_in(pid).is_some_and(|nr| syscalls.contains(&nr));
    blocked() && !signal_pending(pid) && blocked()
}

/// A program's stdout, for a [`Proc`] started on a prepared command.
pub enum Stdout {
    /// The harness's pipe, collected ([`Proc::stdout`]).
    Collected,
    /// This descriptor instead.
    Replaced(OwnedFd),
    /// Descriptor 1 closed (`EBADF`). Rust's start-up code reopens a closed
    /// 0, 1 or 2 on `/dev/null`, so a Rust program finds its stdout open;
    /// a test with it keeps any program from depending on that.
    Closed,
}

impl Stdout {
    /// Set it up in the child between `fork` and `exec` (after the harness
    /// has made its own pipe the stdout).
    pub fn set(&self, cmd: &mut Command) {
        let fd = match self {
            Stdout::Collected => return,
            Stdout::Replaced(fd) => Some(fd.try_clone().expect("dup")),
            Stdout::Closed => None,
        };
        // SAFETY: dup2(2) and close(2) are async-signal-safe and touch no
        // Rust state; `fd` is moved into the closure and open in the child.
        unsafe {
            cmd.pre_exec(move || {
                let done = match &fd {
                    Some(fd) => libc::dup2(fd.as_raw_fd(), libc::STDOUT_FILENO),
                    None => libc::close(libc::STDOUT_FILENO),
                };
                if done < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}
