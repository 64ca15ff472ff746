//! What the lab asks of [perf(1)](https://man7.org/linux/man-pages/man1/perf.1.html):
//! how many system calls a server enters during a measured interval
//! (`perf stat -e raw_syscalls:sys_enter`), and where its CPU time goes
//! (`perf record -e cpu-clock -g`, a software event: a virtual machine may
//! have no hardware counters).
//!
//! perf is attached to the server's processes with its events disabled
//! (`--delay=-1`) and switched on and off through its control descriptors
//! (`--control=fd:CTL,ACK`): each `enable` or `disable` is acknowledged, so
//! that the counts cover the measured interval and nothing else.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd::pipe;

use crate::progress::say;
use crate::spawn::Spawned;

/// The event counted for the system call column.
pub const SYSCALL_EVENT: &str = "raw_syscalls:sys_enter";
/// The event sampled for the profile.
pub const PROFILE_EVENT: &str = "cpu-clock";

/// What perf is attached for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Count the system calls the server enters.
    Syscalls,
    /// Sample where the server's CPU time goes, with call chains.
    Profile,
}

/// What a [`Probe`] found during a measured interval.
#[derive(Debug, Clone, PartialEq)]
pub enum Probed {
    /// System calls the server's processes entered.
    Syscalls(u64),
    /// Where the server's CPU time went.
    Profile(Profile),
}

/// The kernel paths of the profile: a sample belongs to the first whose
/// functions appear in its call chain.
pub const PATHS: [(&str, &[&str]); 3] = [
    ("send", &["tcp_sendmsg"]),
    ("recv", &["tcp_recvmsg"]),
    (
        "wait call",
        &[
            "do_epoll_wait",
            "do_select",
            "do_sys_poll",
            "__do_sys_io_uring_enter",
            "__x64_sys_io_uring_enter",
        ],
    ),
];

/// Functions that enter or leave the kernel on a system call: a sample
/// whose innermost frame is one of these (by prefix) is syscall entry.
pub const ENTRY: [&str; 7] = [
    "entry_SYSCALL",
    "do_syscall_64",
    "syscall_",
    "exit_to_user_mode",
    "entry_untrain_ret",
    "srso_",
    "__x64_sys_",
];

/// The share of a server's CPU samples under each kernel path.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    /// Samples in all.
    pub samples: u64,
    /// Samples under each of [`PATHS`], in its order.
    pub paths: [u64; 3],
    /// Samples whose innermost frame is syscall entry or exit, under none of
    /// the paths.
    pub entry: u64,
    /// Samples in user space.
    pub user: u64,
}

impl Profile {
    /// The profile of `perf script -F comm,ip,sym` output: samples separated
    /// by blank lines, each a header line and one indented `address symbol`
    /// line per frame, innermost first.
    pub fn of_script(script: &str) -> Profile {
        let mut profile = Profile::default();
        let mut frames: Vec<(bool, &str)> = Vec::new();
        let mut finish = |frames: &mut Vec<(bool, &str)>| {
            if frames.is_empty() {
                return;
            }
            profile.samples += 1;
            let under = |names: &[&str]| frames.iter().any(|(_, sym)| names.contains(sym));
            match PATHS.iter().position(|(_, names)| under(names)) {
                Some(i) => profile.paths[i] += 1,
                None => match frames[0] {
                    (false, _) => profile.user += 1,
                    (true, sym) if ENTRY.iter().any(|e| sym.starts_with(e)) => profile.entry += 1,
                    _ => {}
                },
            }
            frames.clear();
        };
        for line in script.lines() {
            if line.trim().is_empty() {
                finish(&mut frames);
            } else if line.starts_with(char::is_whitespace) {
                let mut parts = line.split_whitespace();
                let (Some(addr), Some(sym)) = (parts.next(), parts.next()) else {
                    continue;
                };
                // Kernel text is in the top half of the address space.
                let kernel = addr.len() == 16 && addr.starts_with("ffff");
                frames.push((kernel, sym));
            }
        }
        finish(&mut frames);
        profile
    }

    /// A count as a share of every sample.
    pub fn share(&self, count: u64) -> f64 {
        match self.samples {
            0 => 0.0,
            n => count as f64 / n as f64,
        }
    }

    /// Samples in the kernel outside the paths and syscall entry.
    pub fn other_kernel(&self) -> u64 {
        self.samples - self.paths.iter().sum::<u64>() - self.entry - self.user
    }
}

/// The count of `event` in `perf stat -x,` output.
pub fn stat_count(output: &str, event: &str) -> Result<u64> {
    let line = output
        .lines()
        .find(|l| !l.starts_with('#') && l.split(',').nth(2) == Some(event))
        .ok_or_else(|| anyhow!("perf stat printed no {event} line: {output:?}"))?;
    let count = line.split(',').next().unwrap_or_default();
    count
        .parse()
        .map_err(|_| anyhow!("perf stat could not count {event}: {line:?}"))
}

/// Whether perf can count [`SYSCALL_EVENT`] and sample [`PROFILE_EVENT`]
/// here: `Err` says why not.
pub fn check() -> std::result::Result<(), String> {
    let run = |args: &[&str]| -> std::result::Result<(), String> {
        match Command::new("perf")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .output()
        {
            Err(_) => Err("perf not installed".into()),
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stderr);
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                Err(format!(
                    "`perf {}` failed: {}",
                    args.join(" "),
                    first.trim()
                ))
            }
        }
    };
    run(&["stat", "-x,", "-e", SYSCALL_EVENT, "--", "true"])?;
    run(&[
        "record",
        "-q",
        "-e",
        PROFILE_EVENT,
        "-g",
        "-o",
        "/dev/null",
        "--",
        "true",
    ])
}

/// Install Debian's `linux-perf` with apt-get when perf is missing (the
/// lab's setup step); what it did, for stderr.
pub fn install_if_missing() -> Option<String> {
    if Command::new("perf")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
    {
        return None;
    }
    say("lab: perf is not installed: apt-get install linux-perf");
    let ok = crate::apt::install(&["linux-perf"]);
    Some(match ok {
        true => "installed linux-perf".into(),
        false => {
            "could not install linux-perf; the system call and profile figures are left out".into()
        }
    })
}

/// perf attached to a server, its events switched on.
pub struct Session {
    probe: Probe,
    proc: Spawned,
    ctl: File,
    ack: File,
    output: PathBuf,
    enabled: bool,
}

impl Session {
    /// Attach perf to the processes `pids` (and their threads), running on
    /// `cpu`, and switch its events on.
    pub fn attach(probe: Probe, pids: &[i32], cpu: usize) -> Result<Session> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let output = std::env::temp_dir().join(format!(
            "lab-perf-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // Plain pipe(2), without O_CLOEXEC: perf inherits its two ends.
        let (ctl_read, ctl_write) = pipe()?;
        let (ack_read, ack_write) = pipe()?;
        let pid_list = pids
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut args: Vec<String> = match probe {
            Probe::Syscalls => vec![
                "stat".into(),
                "-x,".into(),
                "-e".into(),
                SYSCALL_EVENT.into(),
            ],
            Probe::Profile => vec![
                "record".into(),
                "-q".into(),
                "-e".into(),
                PROFILE_EVENT.into(),
                "-g".into(),
            ],
        };
        args.extend([
            "-o".into(),
            output.display().to_string(),
            "--delay=-1".into(),
            format!(
                "--control=fd:{},{}",
                ctl_read.as_raw_fd(),
                ack_write.as_raw_fd()
            ),
            "-p".into(),
            pid_list,
        ]);
        let proc = Spawned::start(
            std::path::Path::new("perf"),
            &args,
            Stdio::null(),
            Some(cpu),
        )?;
        drop((ctl_read, ack_write));
        let mut session = Session {
            probe,
            proc,
            ctl: File::from(ctl_write),
            ack: File::from(ack_read),
            output,
            enabled: false,
        };
        session.command("enable")?;
        session.enabled = true;
        Ok(session)
    }

    /// perf's process id.
    pub fn pid(&self) -> i32 {
        self.proc.pid()
    }

    /// Send `cmd` to perf and wait for its acknowledgement.
    fn command(&mut self, cmd: &str) -> Result<()> {
        let failed = |what: &str| anyhow!("perf {what} `{cmd}`: {}", self.proc.stderr());
        if writeln!(self.ctl, "{cmd}").is_err() {
            return Err(failed("did not take"));
        }
        let mut fds = [PollFd::new(self.ack.as_fd(), PollFlags::POLLIN)];
        if poll(&mut fds, PollTimeout::from(10_000u16))? == 0 {
            return Err(failed("did not acknowledge"));
        }
        let mut ack = [0u8; 16];
        match self.ack.read(&mut ack)? {
            0 => Err(failed("exited at")),
            n if ack[..n].starts_with(b"ack") => Ok(()),
            n => bail!(
                "perf answered {:?} to `{cmd}`",
                String::from_utf8_lossy(&ack[..n])
            ),
        }
    }

    /// Switch the events off: the measured interval is over.
    pub fn disable(&mut self) -> Result<()> {
        if self.enabled {
            self.command("disable")?;
            self.enabled = false;
        }
        Ok(())
    }

    /// Stop perf and read what it found.
    pub fn finish(mut self) -> Result<Probed> {
        self.disable()?;
        let Session {
            probe,
            proc,
            output,
            ..
        } = self;
        proc.interrupt(Duration::from_secs(30));
        let result = match probe {
            Probe::Syscalls => fs::read_to_string(&output)
                .context("perf stat output")
                .and_then(|text| stat_count(&text, SYSCALL_EVENT))
                .map(Probed::Syscalls),
            Probe::Profile => Command::new("perf")
                .args(["script", "-F", "comm,ip,sym", "--no-inline", "-i"])
                .arg(&output)
                .stderr(Stdio::null())
                .output()
                .context("perf script")
                .map(|out| {
                    Probed::Profile(Profile::of_script(&String::from_utf8_lossy(&out.stdout)))
                }),
        };
        let _ = fs::remove_file(&output);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_go_to_the_first_path_in_their_chain() {
        let script = "\
tcpservepoll01 
\tffffffff81aa0001 _raw_spin_lock
\tffffffff81aa0002 tcp_v4_rcv
\tffffffff81aa0003 tcp_sendmsg
\tffffffff81aa0004 do_syscall_64

tcpservepoll01 
\tffffffff81aa0005 copy_to_user
\tffffffff81aa0006 tcp_recvmsg

tcpservepoll01 
\tffffffff81aa0007 ep_poll
\tffffffff81aa0008 do_epoll_wait

tcpservepoll01 
\tffffffff81aa0009 syscall_exit_to_user_mode
\tffffffff81aa000a do_syscall_64

tcpservepoll01 
\t           20ca3 main

tcpservepoll01 
\tffffffff81aa000b schedule
";
        let p = Profile::of_script(script);
        assert_eq!(p.samples, 6);
        assert_eq!(p.paths, [1, 1, 1]);
        assert_eq!((p.entry, p.user, p.other_kernel()), (1, 1, 1));
        assert_eq!(p.share(p.user), 1.0 / 6.0);
    }

    #[test]
    fn stat_count_reads_the_event_line() {
        let out = "# started on x\n\n2983,,raw_syscalls:sys_enter,837401,100.00,,\n";
        assert_eq!(stat_count(out, SYSCALL_EVENT).unwrap(), 2983);
        let missing = "<not counted>,,raw_syscalls:sys_enter,0,0.00,,\n";
        assert!(stat_count(missing, SYSCALL_EVENT).is_err());
        assert!(stat_count("", SYSCALL_EVENT).is_err());
    }
}
