//! Chapter 13 for real: `inetd-daytimetcpsrv2` makes itself a daemon and
//! logs to syslog; `inetd-daytimetcpsrv3` is started by Debian's
//! `openbsd-inetd` (installed by `.ci/run`). Both run in a private network,
//! PID and mount namespace ([`in_netns`]), on the daytime port 13: the
//! namespace's `/dev` is a fresh tmpfs whose `/dev/log` is a datagram
//! socket this test binds and reads, the syslog daemon of the namespace,
//! and every process, daemons included, dies with the namespace.

use std::io::Read;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::Command;

use unp::daemon::FOREGROUND;
use unp_tests::{assert_usage, bin, connect, free_port, in_netns, skip_unless_root, Proc, TIMEOUT};

/// A private `/dev` for the namespace: `null`, a pseudo-terminal instance
/// (for `script`), and `log`, the test's socket bound over it.
const PRIVATE_DEV: &str = r#"
mount -t tmpfs -o mode=755 tmpfs /dev
mknod -m 666 /dev/null c 1 3
mkdir /dev/pts
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
touch /dev/log
mount --bind "$SYSLOG" /dev/log
"#;

/// The test's syslog: a datagram socket in a directory of its own under
/// the system's temporary directory, removed on drop.
struct Syslog {
    dir: PathBuf,
    sock: UnixDatagram,
}

impl Syslog {
    fn bind(test: &str) -> Syslog {
        let dir = std::env::temp_dir().join(format!("unp-inetd-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("temporary directory");
        let sock = UnixDatagram::bind(dir.join("log")).expect("bind the syslog socket");
        sock.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        Syslog { dir, sock }
    }

    /// Run `script` after [`PRIVATE_DEV`] in a namespace ([`in_netns`])
    /// whose `/dev/log` is this socket, with `env` added; returns its
    /// stdout, and fails if it fails.
    fn run(&self, script: &str, env: &[(&str, &Path)]) -> String {
        let out = in_netns(&(PRIVATE_DEV.to_string() + script))
            .env("SYSLOG", self.dir.join("log"))
            .envs(env.iter().copied())
            .output()
            .expect("unshare");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}{stderr}");
        text
    }

    /// The next message whose text contains `what`, skipping others
    /// (inetd's own); fails after [`TIMEOUT`].
    fn message_with(&self, what: &str) -> String {
        let mut buf = [0u8; 2048];
        loop {
            let n = self
                .sock
                .recv(&mut buf)
                .unwrap_or_else(|e| panic!("no syslog message with {what:?}: {e}"));
            let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
            if msg.contains(what) {
                return msg;
            }
        }
    }
}

impl Drop for Syslog {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The value of `key` in the script's `key value` lines.
fn field<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|line| line.strip_prefix(key).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {key:?} in:\n{out}"))
        .trim_end_matches('\r')
}

/// A daytime reply as `sed -n l` shows it: `Sat Nov 28 12:45:49 2026\r$`,
/// the 24 characters of `ctime`, then CR and the line's end.
fn assert_is_the_time(reply: &str) {
    let time = reply
        .strip_suffix(r"\r$")
        .unwrap_or_else(|| panic!("{reply:?}"));
    assert_eq!(time.len(), 24, "{reply:?}");
    assert_eq!(time.as_bytes()[19], b' ', "{reply:?}");
}

/// Figure 13.5: started from a shell on a terminal (`script` gives it a
/// pseudo-terminal as controlling terminal), the command returns at once
/// with status 0, and what goes on serving is a grandchild in a session of
/// its own that it does not lead, with no controlling terminal, `SIGHUP`
/// ignored, its working directory `/` and descriptors 0, 1 and 2 on
/// `/dev/null`; a client gets the time and the daemon's `connection from`
/// line reaches syslog, tagged with its name and PID.
#[test]
fn daytimetcpsrv2_detaches_from_its_terminal_and_logs_to_syslog() {
    if skip_unless_root("unshare, mount") {
        return;
    }
    let syslog = Syslog::bind("srv2");
    let script = r#"
# Checked while the shell that started it still leads the terminal's
# session (when it exits, the session loses its terminal anyway).
check_daemon() {
    wait_listen 13
    pid=$(ss -Hltnp 'sport = :13' | sed -E 's/.*pid=([0-9]+).*/\1/')
    echo "pid $pid"
    echo "stat $(cat /proc/$pid/stat)"
    echo "cwd $(readlink /proc/$pid/cwd)"
    for fd in 0 1 2; do echo "fd$fd $(readlink /proc/$pid/fd/$fd)"; done
    echo "sigign $(awk '/^SigIgn:/ { print $2 }' /proc/$pid/status)"
    exec 3<>/dev/tcp/127.0.0.1/13
    echo "reply $(cat <&3 | sed -n l)"
    exec 3<&-
}
export -f wait_port wait_listen check_daemon
# stdin /dev/null: at the end of a pipe, `script` would wait for every
# process it ever started, the daemon too.
SHELL=/bin/bash script -qec 'inetd-daytimetcpsrv2 13; echo "exit $?"; echo "shell_tty $(cut -d" " -f7 /proc/$$/stat)"; check_daemon' /dev/null </dev/null
"#;
    let text = syslog.run(script, &[]);

    // The shell that started it had a terminal, and got status 0 at once.
    assert_ne!(field(&text, "shell_tty"), "0", "the shell's tty_nr: {text}");
    assert_eq!(field(&text, "exit"), "0", "{text}");

    // /proc/PID/stat: pid (comm) state ppid pgrp session tty_nr ...
    let pid: i32 = field(&text, "pid").parse().expect("the daemon's pid");
    let stat = field(&text, "stat");
    let after_comm: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let (ppid, pgrp, session, tty_nr) =
        (after_comm[1], after_comm[2], after_comm[3], after_comm[4]);
    assert_eq!(
        ppid, "1",
        "orphaned, adopted by the namespace's init: {stat}"
    );
    assert_eq!(tty_nr, "0", "no controlling terminal: {stat}");
    assert_ne!(session, pid.to_string(), "not a session leader: {stat}");
    assert_ne!(session, "0", "{stat}");
    assert_eq!(pgrp, session, "in the session the first child made: {stat}");
    assert_eq!(field(&text, "cwd"), "/", "{text}");
    for fd in ["fd0", "fd1", "fd2"] {
        assert_eq!(field(&text, fd), "/dev/null", "{text}");
    }
    let sigign = u64::from_str_radix(field(&text, "sigign"), 16).expect("SigIgn");
    assert_ne!(
        sigign & (1 << (libc::SIGHUP - 1)),
        0,
        "SIGHUP ignored: {text}"
    );

    assert_is_the_time(field(&text, "reply"));

    let msg = syslog.message_with("connection from");
    let tag = format!("inetd-daytimetcpsrv2[{pid}]: connection from 127.0.0.1:");
    assert!(msg.contains(&tag), "{msg:?} lacks {tag:?}");
    // Facility 0 (LOG_KERN) and LOG_INFO, as the book's servers pass.
    assert!(msg.starts_with("<6>"), "{msg:?}");
    assert!(!msg.ends_with('\n'), "one record, no newline: {msg:?}");
}

/// Figure 13.12 under the real inetd: `openbsd-inetd`, started on a private
/// `inetd.conf`, listens on the daytime port itself (`ss` shows it as the
/// socket's owner); a client connects, inetd accepts and forks, and the
/// server it runs with the connection on descriptors 0-2 sends the time
/// and logs its peer. Started by hand, with no socket on stdin, the server
/// logs `getpeername error` and exits 1.
#[test]
fn daytimetcpsrv3_serves_a_client_under_inetd() {
    if skip_unless_root("unshare, mount, inetd on port 13") {
        return;
    }
    let syslog = Syslog::bind("srv3");
    let conf = syslog.dir.join("inetd.conf");
    let server = bin("inetd-daytimetcpsrv3");
    std::fs::write(
        &conf,
        format!(
            "daytime stream tcp nowait root {} inetd-daytimetcpsrv3\n",
            server.display()
        ),
    )
    .expect("write inetd.conf");
    let script = r#"
# inetd writes /run/inetd.pid: a private /run keeps the host's.
mount -t tmpfs tmpfs /run
/usr/sbin/inetd -i "$INETD_CONF" &
wait_listen 13
echo "listener $(ss -Hltnp 'sport = :13' | sed -E 's/.*users:\(\("([^"]+)".*/\1/')"
exec 3<>/dev/tcp/127.0.0.1/13
echo "reply $(cat <&3 | sed -n l)"
exec 3<&-
status=0
inetd-daytimetcpsrv3 </dev/null || status=$?
echo "by_hand $status"
"#;
    let text = syslog.run(script, &[("INETD_CONF", &conf)]);

    assert_eq!(field(&text, "listener"), "inetd", "{text}");
    assert_is_the_time(field(&text, "reply"));
    let msg = syslog.message_with("inetd-daytimetcpsrv3[");
    assert!(
        msg.starts_with("<6>") && msg.contains("]: connection from 127.0.0.1:"),
        "{msg:?}"
    );

    assert_eq!(field(&text, "by_hand"), "1", "{text}");
    let msg = syslog.message_with("getpeername error");
    assert!(
        msg.starts_with("<3>")
            && msg.ends_with("]: getpeername error: Socket operation on non-socket"),
        "{msg:?}"
    );
}

/// Wrong arguments are refused on the terminal, before the server becomes
/// a daemon: a usage line, or the lookup's error, and exit status 1.
#[test]
fn bad_arguments_are_refused_before_daemonizing() {
    assert_usage([
        (
            "inetd-daytimetcpsrv2",
            &[][..],
            "usage: daytimetcpsrv2 [ <host> ] <service or port>",
        ),
        (
            "inetd-daytimetcpsrv2",
            &["99999"],
            "tcp_listen error for (null), 99999: port must be a number from 0 to 65535",
        ),
        (
            "inetd-daytimetcpsrv2",
            &["127.0.0.1", "no-such-service"],
            "tcp_listen error for 127.0.0.1, no-such-service: Servname not supported for ai_socktype",
        ),
        ("inetd-daytimetcpsrv3", &["13"], "usage: daytimetcpsrv3"),
    ]);
}

/// `UNP_FOREGROUND`: `daemon_init` does all but the forks and `setsid`, so
/// the server stays the process its parent started (a supervisor's, or the
/// reliability suite's), still with its working directory `/`,
/// descriptors 0-2 on `/dev/null` and `SIGHUP` ignored; it serves. No root
/// needed (its log lines go to the system's `/dev/log`, if there is one).
#[test]
fn daytimetcpsrv2_in_the_foreground_stays_the_started_process() {
    let port = free_port();
    let mut cmd = Command::new(bin("inetd-daytimetcpsrv2"));
    cmd.arg(port.to_string()).env(FOREGROUND, "1");
    let mut srv2 = Proc::spawn_cmd(&mut cmd);
    srv2.wait_bound("tcp", port, "0A");
    let pid = srv2.pid();
    let link = |what: &str| std::fs::read_link(format!("/proc/{pid}/{what}")).expect(what);
    assert_eq!(link("cwd"), Path::new("/"));
    for fd in 0..3 {
        assert_eq!(link(&format!("fd/{fd}")), Path::new("/dev/null"));
    }
    let mut time = String::new();
    connect(port).read_to_string(&mut time).expect("the time");
    assert!(time.len() == 26 && time.ends_with("\r\n"), "{time:?}");
    assert!(srv2.is_running());
}
