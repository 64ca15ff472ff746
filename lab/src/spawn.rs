//! The lab's child processes: the harness's [`Proc`] (its own process group,
//! output collected as it arrives, the group killed when the lab is done
//! with it), plus what only the lab needs: pinned to one CPU, and killed
//! when the lab is interrupted.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use nix::sched::{sched_setaffinity, CpuSet};
use nix::sys::signal::{killpg, SigSet, Signal};
use nix::unistd::Pid;
use unp_tests::Proc;

/// How long a child that closed its stdout or stdin may take to exit, for
/// its status and last words to make the error message.
const EXIT_GRACE: Duration = Duration::from_secs(2);

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
            // A closed stderr must not stop the thread before the exit.
            crate::progress::say(format!(
                "\nlab: {sig}: stopped every server and client it had started"
            ));
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

/// A child process of the lab: a [`Proc`] of the harness (its own process
/// group, output collected, the group killed on drop), pinned to a CPU and
/// known to the signal thread of [`kill_children_on_signals`].
pub struct Spawned {
    name: String,
    proc: Proc,
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
        cmd.args(args);
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
        let proc = Proc::start(&mut cmd, stdin).map_err(|e| anyhow!("cannot start {name}: {e}"))?;
        if let Ok(mut groups) = LIVE_GROUPS.lock() {
            groups.push(proc.pid());
        }
        Ok(Spawned { name, proc })
    }

    pub fn pid(&self) -> i32 {
        self.proc.pid()
    }

    /// What the process has written to stderr so far, cut to its last 300
    /// characters for a report.
    pub fn stderr(&self) -> String {
        let all = self.proc.stderr();
        let text = all.trim();
        match text.char_indices().rev().nth(300) {
            Some((cut, _)) => format!("...{}", &text[cut..]),
            None => text.to_owned(),
        }
    }

    /// Why the process is of no more use: its exit status (waiting at most
    /// `grace` for it: a process that closed its stdout is on its way out)
    /// and stderr.
    fn failure(&mut self, what: &str, grace: Duration) -> anyhow::Error {
        let status = match self.proc.wait_exit_within(grace) {
            Ok(status) => format!("exited ({status})"),
            Err(_) => "still running".into(),
        };
        anyhow!(
            "{} {what}: {status}; stderr: {:?}",
            self.name,
            self.stderr()
        )
    }

    /// The next line of stdout, waiting at most `timeout`.
    pub fn next_line(&mut self, timeout: Duration) -> Result<String> {
        match self.proc.next_line(timeout) {
            Ok(Some(line)) => Ok(line),
            Ok(None) => Err(self.failure("closed its stdout", EXIT_GRACE)),
            Err(_) => Err(self.failure(&format!("said nothing for {timeout:?}"), Duration::ZERO)),
        }
    }

    /// Every line of stdout until the process closes it, waiting at most
    /// `timeout` in all.
    pub fn read_to_end(&mut self, timeout: Duration) -> Result<Vec<String>> {
        let deadline = Instant::now() + timeout;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.proc.next_line(left) {
                Ok(Some(line)) => lines.push(line),
                Ok(None) => return Ok(lines),
                Err(_) => {
                    return Err(
                        self.failure(&format!("still writing after {timeout:?}"), Duration::ZERO)
                    )
                }
            }
        }
    }

    /// Write `line` and a newline to the process's stdin.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        if self
            .proc
            .write_stdin(format!("{line}\n").as_bytes())
            .is_err()
        {
            return Err(self.failure("closed its stdin", EXIT_GRACE));
        }
        Ok(())
    }

    /// Wait until TCP `port` listens on this host, failing at once if the
    /// process exits first.
    pub fn wait_listening(&mut self, port: u16, timeout: Duration) -> Result<()> {
        self.proc
            .wait_bound_within("tcp", port, "0A", timeout)
            .map_err(|err| anyhow!("{}: {err}", self.name))
    }

    /// Wait at most `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        self.proc
            .wait_exit_within(timeout)
            .map_err(|_| anyhow!("{} still running after {timeout:?}", self.name))
    }

    /// Send SIGINT (the book's servers print their CPU time on it), wait at
    /// most `grace` for the process to exit, kill the group, and return what
    /// the process wrote to stdout meanwhile.
    pub fn interrupt(mut self, grace: Duration) -> Vec<String> {
        self.proc.signal(Signal::SIGINT);
        let _ = self.wait_exit(grace);
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        self.read_to_end(grace).unwrap_or_default()
    }
}

impl Drop for Spawned {
    /// The [`Proc`] kills the group; the signal thread forgets it.
    fn drop(&mut self) {
        let pgid = self.pid();
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
