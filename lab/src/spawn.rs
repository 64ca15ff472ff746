//! The lab's child processes: each runs in its own process group, pinned to
//! one CPU, with its output collected as it arrives; the whole group dies
//! when the lab is done with it, or when the lab is interrupted.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use nix::sched::{sched_setaffinity, CpuSet};
use nix::sys::signal::{killpg, SigSet, Signal};
use nix::unistd::Pid;

/// The process groups alive right now, killed if the lab is interrupted.
static LIVE_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Make SIGINT, SIGTERM and SIGHUP kill every child process group and exit
/// 130. Call first thing in `main`, before any thread starts: the signals
/// are blocked in this thread (and so in every thread started after it) and
/// taken by one thread with `sigwait(2)`, which may lock and print as a
/// handler may not. [`Spawned::start`] gives each child an empty mask again.
pub fn kill_children_on_signals() {
    let mut set = SigSet::empty();
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(sig);
    }
    if set.thread_block().is_err() {
        return;
    }
    thread::spawn(move || {
        if let Ok(sig) = set.wait() {
            let groups = LIVE_GROUPS.lock().map(|g| g.clone()).unwrap_or_default();
            for pgid in groups {
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            }
            eprintln!("\nlab: {sig}: stopped every server and client it had started");
            std::process::exit(130);
        }
    });
}

/// Pin the calling thread (and the threads it starts later) to `cpu`, with
/// [`sched_setaffinity(2)`](https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html).
pub fn pin_self(cpu: usize) -> Result<()> {
    let mut set = CpuSet::new();
    set.set(cpu)?;
    sched_setaffinity(Pid::from_raw(0), &set)?;
    Ok(())
}

/// A child process of the lab, in a process group of its own.
pub struct Spawned {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Spawned {
    /// Start `program` with `args`, its stdin from `stdin`, pinned to `cpu`
    /// (when given) before it runs a single instruction of its own, so that
    /// every child it forks is pinned too.
    pub fn start(
        program: &Path,
        args: &[String],
        stdin: Stdio,
        cpu: Option<usize>,
    ) -> Result<Spawned> {
        let name = program.file_name().map_or_else(
            || program.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let cpus = match cpu {
            Some(cpu) => {
                let mut set = CpuSet::new();
                set.set(cpu)?;
                Some(set)
            }
            None => None,
        };
        // SAFETY: the closure runs in the forked child before exec; it only
        // makes the sigprocmask and sched_setaffinity system calls, on sets
        // built before the fork: no allocation, no lock.
        unsafe {
            cmd.pre_exec(move || {
                // The lab blocks SIGINT, SIGTERM and SIGHUP (they are taken
                // by its sigwait thread); the mask survives fork and exec.
                SigSet::empty().thread_set_mask().map_err(io::Error::from)?;
                match &cpus {
                    Some(set) => sched_setaffinity(Pid::from_raw(0), set).map_err(io::Error::from),
                    None => Ok(()),
                }
            });
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| anyhow!("cannot start {name}: {e}"))?;
        if let Ok(mut groups) = LIVE_GROUPS.lock() {
            groups.push(child.id() as i32);
        }
        let stdin = child.stdin.take();
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(mut err) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    if let Ok(mut all) = sink.lock() {
                        all.extend_from_slice(&buf[..n]);
                    }
                }
            });
        }
        Ok(Spawned {
            name,
            child,
            stdin,
            lines,
            stderr,
        })
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// What the process has written to stderr so far, cut to its last 300
    /// characters for a report.
    pub fn stderr(&self) -> String {
        let all = self.stderr.lock().map(|b| b.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&all);
        let text = text.trim();
        match text.char_indices().rev().nth(300) {
            Some((cut, _)) => format!("...{}", &text[cut..]),
            None => text.to_owned(),
        }
    }

    /// Why the process is of no more use: its exit status and stderr.
    fn failure(&mut self, what: &str) -> anyhow::Error {
        // Give the stderr reader a moment to collect the last words.
        thread::sleep(Duration::from_millis(50));
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("exited ({status})"),
            _ => "still running".into(),
        };
        anyhow!(
            "{} {what}: {status}; stderr: {:?}",
            self.name,
            self.stderr()
        )
    }

    /// The next line of stdout, waiting at most `timeout`.
    pub fn next_line(&mut self, timeout: Duration) -> Result<String> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => {
                Err(self.failure(&format!("said nothing for {timeout:?}")))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.failure("closed its stdout")),
        }
    }

    /// Every line of stdout until the process closes it, waiting at most
    /// `timeout` in all.
    pub fn read_to_end(&mut self, timeout: Duration) -> Result<Vec<String>> {
        let deadline = Instant::now() + timeout;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(RecvTimeoutError::Disconnected) => return Ok(lines),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.failure(&format!("still writing after {timeout:?}")))
                }
            }
        }
    }

    /// Write `line` and a newline to the process's stdin.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| anyhow!("{}: no stdin", self.name))?;
        if writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .is_err()
        {
            return Err(self.failure("closed its stdin"));
        }
        Ok(())
    }

    /// Wait until TCP `port` listens on this host, failing at once if the
    /// process exits first.
    pub fn wait_listening(&mut self, port: u16, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while !unp_tests::port_in_state("tcp", port, "0A") {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return Err(self.failure(&format!("did not listen on port {port}")));
            }
            if Instant::now() > deadline {
                return Err(
                    self.failure(&format!("not listening on port {port} after {timeout:?}"))
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    /// Wait at most `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                bail!("{} still running after {timeout:?}", self.name);
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Send SIGINT (the book's servers print their CPU time on it), wait at
    /// most `grace` for the process to exit, kill the group, and return what
    /// the process wrote to stdout meanwhile.
    pub fn interrupt(mut self, grace: Duration) -> Vec<String> {
        let _ = nix::sys::signal::kill(Pid::from_raw(self.pid()), Signal::SIGINT);
        let _ = self.wait_exit(grace);
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        self.read_to_end(grace).unwrap_or_default()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let pgid = self.pid();
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(mut groups) = LIVE_GROUPS.lock() {
            groups.retain(|&g| g != pgid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_start_with_no_signal_blocked() {
        // As after kill_children_on_signals: SIGINT blocked in this thread.
        let mut set = SigSet::empty();
        set.add(Signal::SIGINT);
        set.thread_block().unwrap();
        let args = [
            "-c".to_string(),
            "grep SigBlk /proc/self/status".to_string(),
        ];
        let mut child = Spawned::start(Path::new("/bin/sh"), &args, Stdio::null(), Some(0));
        set.thread_unblock().unwrap();
        let line = child
            .as_mut()
            .unwrap()
            .next_line(Duration::from_secs(20))
            .unwrap();
        assert_eq!(line, "SigBlk:\t0000000000000000");
    }

    #[test]
    fn interrupt_collects_what_the_process_prints_on_sigint() {
        let script = "trap 'echo user time = 1, sys time = 2; exit 0' INT; echo ready; while :; do sleep 0.01; done";
        let args = ["-c".to_string(), script.to_string()];
        let mut child = Spawned::start(Path::new("/bin/sh"), &args, Stdio::null(), None).unwrap();
        assert_eq!(child.next_line(Duration::from_secs(20)).unwrap(), "ready");
        let lines = child.interrupt(Duration::from_secs(20));
        assert_eq!(lines, vec!["user time = 1, sys time = 2".to_string()]);
    }
}
