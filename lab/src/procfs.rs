//! What the lab reads from `/proc`: the CPU time and peak memory of a
//! server's whole process group (the server, its forked children and all
//! their threads), and the description of the machine.

use std::fs;
use std::time::Duration;

use nix::unistd::{sysconf, SysconfVar};
use unp_tests::{proc_stat, process_group};

/// The pids of every process whose process group is `pgid` (the harness's
/// scan of `/proc`).
pub fn group_pids(pgid: i32) -> Vec<i32> {
    process_group(pgid)
        .into_iter()
        .map(|(pid, _)| pid)
        .collect()
}

/// Clock ticks per second, the unit of the times in `/proc/<pid>/stat`.
pub fn ticks_per_second() -> u64 {
    match sysconf(SysconfVar::CLK_TCK) {
        Ok(Some(n)) if n > 0 => n as u64,
        _ => 100,
    }
}

/// The CPU time `pid` has used, with its threads (dead ones too) and the
/// children it has waited for.
///
/// `/proc/<pid>/stat` counts all of that but in clock ticks (10 ms); the
/// per-thread `/proc/<pid>/task/<tid>/schedstat` counts nanoseconds but only
/// for live threads. The precise figure is used unless the ticks show time
/// the live threads cannot account for (threads that have exited): then the
/// tick figure is.
pub fn process_cpu(pid: i32) -> Duration {
    let Some(fields) = proc_stat(pid) else {
        return Duration::ZERO;
    };
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime, stime, cutime, cstime are fields 14 to 17 of stat(5), 11 to 14 here.
    let tick = Duration::from_nanos(1_000_000_000 / ticks_per_second());
    let own_ticks = tick * (field(11) + field(12)) as u32;
    let children = tick * (field(13) + field(14)) as u32;
    let live_threads: Duration = fs::read_dir(format!("/proc/{pid}/task"))
        .map(|dir| {
            dir.filter_map(|task| {
                let path = task.ok()?.path().join("schedstat");
                let text = fs::read_to_string(path).ok()?;
                text.split_whitespace().next()?.parse::<u64>().ok()
            })
            .map(Duration::from_nanos)
            .sum()
        })
        .unwrap_or_default();
    let own = if own_ticks > live_threads + 2 * tick {
        own_ticks
    } else {
        live_threads
    };
    own + children
}

/// The CPU time of every process in the group `pgid`.
pub fn group_cpu(pgid: i32) -> Duration {
    group_pids(pgid).into_iter().map(process_cpu).sum()
}

/// A `kB` field of `/proc/<pid>/status`
/// ([proc_pid_status(5)](https://man7.org/linux/man-pages/man5/proc_pid_status.5.html)),
/// such as `VmHWM` (peak resident set) or `VmRSS`.
pub fn status_kib(pid: i32, key: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The peak resident set (`VmHWM`) summed over the processes of the group
/// `pgid`, in KiB; pages the processes share count once per process.
pub fn group_peak_rss_kib(pgid: i32) -> u64 {
    group_pids(pgid)
        .into_iter()
        .filter_map(|pid| status_kib(pid, "VmHWM"))
        .sum()
}

/// The time the CPUs `cpus` have spent busy (every state but idle and
/// iowait) since boot, from the `cpuN` lines of `/proc/stat`
/// ([proc_stat(5)](https://man7.org/linux/man-pages/man5/proc_stat.5.html)).
pub fn cpus_busy(cpus: &[usize]) -> Duration {
    let tick = Duration::from_nanos(1_000_000_000 / ticks_per_second());
    let stat = fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: u64 = stat
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let cpu: usize = fields.next()?.strip_prefix("cpu")?.parse().ok()?;
            if !cpus.contains(&cpu) {
                return None;
            }
            let values: Vec<u64> = fields.filter_map(|v| v.parse().ok()).collect();
            // user nice system idle iowait irq softirq steal (guest time is in user).
            let busy = values.iter().take(8).sum::<u64>() - values.get(3)? - values.get(4)?;
            Some(busy)
        })
        .sum();
    tick * ticks as u32
}

/// The pids of the kernel threads `ksoftirqd/N` of `cpus`: they finish
/// network work that the processes on those CPUs started.
pub fn softirq_threads(cpus: &[usize]) -> Vec<i32> {
    let names: Vec<String> = cpus.iter().map(|c| format!("ksoftirqd/{c}")).collect();
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| names.iter().any(|n| n == comm.trim()))
        })
        .collect()
}

/// The machine the figures come from.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu_model: String,
    pub cpus: usize,
    pub kernel: String,
    pub memory_mib: u64,
    pub loadavg: String,
}

impl Machine {
    /// Read from `/proc/cpuinfo`, `/proc/sys/kernel/osrelease`,
    /// `/proc/meminfo` and `/proc/loadavg`.
    pub fn describe() -> Machine {
        let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
            .map(|(_, model)| model.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let memory_mib = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024);
        Machine {
            cpu_model,
            cpus,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            memory_mib,
            loadavg: loadavg(),
        }
    }
}

/// The 1, 5 and 15 minute load averages, from `/proc/loadavg`.
pub fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn own_group_is_found_and_its_cpu_grows() {
        let me = std::process::id() as i32;
        let pgid = nix::unistd::getpgrp().as_raw();
        assert!(group_pids(pgid).contains(&me));
        let before = process_cpu(me);
        let start = Instant::now();
        let mut x = 0u64;
        while process_cpu(me) < before + Duration::from_millis(30) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "CPU time never grew"
            );
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
    }

    #[test]
    fn busy_time_of_a_cpu_grows_while_it_works() {
        let cpu = 0;
        crate::spawn::pin_self(cpu).unwrap();
        let before = cpus_busy(&[cpu]);
        let start = Instant::now();
        let mut x = 0u64;
        while cpus_busy(&[cpu]) < before + Duration::from_millis(30) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "busy time never grew"
            );
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        assert_eq!(cpus_busy(&[usize::MAX]), Duration::ZERO);
        assert_eq!(softirq_threads(&[0]).len(), 1);
    }

    #[test]
    fn peak_rss_is_read_from_status() {
        let me = std::process::id() as i32;
        assert!(status_kib(me, "VmHWM").unwrap() > 0);
        assert_eq!(status_kib(me, "NoSuchField"), None);
    }

    #[test]
    fn machine_is_described() {
        let m = Machine::describe();
        assert!(m.cpus >= 1);
        assert!(!m.kernel.is_empty());
        assert_eq!(m.loadavg.split(' ').count(), 3);
    }
}
