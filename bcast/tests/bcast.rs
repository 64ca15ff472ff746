//! Chapter 20 on the namespace network: one broadcast from host A, a reply
//! from each host of the subnet, and the races of §20.5 shown without
//! timing luck.
//!
//! The daytime servers on port 13 are the test's own sockets in B, C and D
//! (made with `Host::within`): the test answers each request itself, so it
//! knows when every reply has gone.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::{pipe2, Pid};
use unp_tests::netlab::{Host, Netlab};
use unp_tests::{
    asleep_in, assert_usage, bin, proc_stat, signal_pending, skip_unless_root, wait_until, TIMEOUT,
};

/// A daytime "server" on port 13 of a host: the test's socket.
struct Responder {
    name: String,
    sock: UdpSocket,
}

impl Responder {
    fn on(host: &Host) -> Responder {
        let sock = host.within(|| UdpSocket::bind("0.0.0.0:13").expect("bind port 13"));
        sock.set_read_timeout(Some(TIMEOUT)).unwrap();
        Responder {
            name: host.name().to_owned(),
            sock,
        }
    }

    /// Receive one request and answer it `<host> got <request>`; the request
    /// and its sender.
    fn answer(&self) -> (String, SocketAddr) {
        let mut buf = [0; 512];
        let (n, from) = self.sock.recv_from(&mut buf).expect("a request");
        let request = String::from_utf8_lossy(&buf[..n]).into_owned();
        let reply = format!("{} got {request}", self.name);
        self.sock.send_to(reply.as_bytes(), from).unwrap();
        (request, from)
    }
}

const CLIENTS: [&str; 6] = [
    "bcast-udpcli01",
    "bcast-udpcli02",
    "bcast-udpcli03",
    "bcast-udpcli04",
    "bcast-udpcli05",
    "bcast-udpcli06",
];

/// One line broadcast to 10.0.1.255 from A: B and C answer, each reply is
/// printed, and after the 5-second alarm the client reads its next line
/// (here the end of input) and exits. D, behind the router, runs a server
/// too but never hears the broadcast (a router does not forward it): the
/// first datagram D gets is the one sent to it afterwards. Every client but
/// udpcli02 (which hangs by design).
#[test]
fn several_hosts_answer_one_broadcast() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b, c, d) = (lab.host("A"), lab.host("B"), lab.host("C"), lab.host("D"));
    let responders = [b, c].map(Responder::on);
    let far = Responder::on(d);
    let clients = [0, 2, 3, 4, 5].map(|i| {
        let mut client = a.spawn_typed(CLIENTS[i], &["10.0.1.255"]);
        client.type_line("hi\n");
        client.close_stdin();
        client
    });
    for responder in &responders {
        for _ in &clients {
            let (request, from) = responder.answer();
            assert_eq!((request.as_str(), from.ip()), ("hi\n", a.ipv4().into()));
        }
    }
    for (i, mut client) in [0, 2, 3, 4, 5].into_iter().zip(clients) {
        assert!(
            client.wait_exit().success(),
            "{}: {}",
            CLIENTS[i],
            client.stderr()
        );
        let mut lines: Vec<String> = client.stdout().lines().map(str::to_owned).collect();
        lines.sort();
        assert_eq!(
            lines,
            ["from 10.0.1.2: B got hi", "from 10.0.1.3: C got hi"],
            "{}",
            CLIENTS[i]
        );
        assert_eq!(client.stderr(), "", "{}", CLIENTS[i]);
    }
    let probe = a.within(|| UdpSocket::bind("0.0.0.0:0").unwrap());
    probe.send_to(b"unicast\n", (d.ipv4(), 13)).unwrap();
    assert_eq!(far.answer().0, "unicast\n", "D heard the broadcast");
}

/// A client on A, in its own process group, whose stdout is a pipe of one
/// page that the test filled: the first reply it prints blocks it in
/// write(2), outside recvfrom, for as long as the test wants.
struct Blocked {
    child: Child,
    stdout: File,
}

impl Blocked {
    fn start(host: &Host, name: &str) -> Blocked {
        let (read_end, write_end): (OwnedFd, OwnedFd) = pipe2(OFlag::O_CLOEXEC).unwrap();
        fcntl(&write_end, FcntlArg::F_SETPIPE_SZ(4096)).unwrap();
        let mut full = File::from(write_end.try_clone().unwrap());
        full.write_all(&[b'.'; 4096]).unwrap();
        let mut child = host
            .command(bin(name))
            .arg("10.0.1.255")
            .stdin(Stdio::piped())
            .stdout(write_end)
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"hi\n").unwrap();
        Blocked {
            child,
            stdout: File::from(read_end),
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.pid()), Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// The race of §20.5, made certain: the client prints B's reply into a full
/// pipe and blocks there; the test stops it (SIGSTOP) and waits until the
/// 5-second alarm has fired (SIGALRM pending), empties the pipe and lets it
/// go on. The alarm is thus handled while the client is not in recvfrom.
/// Returns the client, its output, and whether it then ended its wait (read
/// its end of input and exited 0) or hangs, asleep in recvfrom for ever.
fn alarm_while_printing(name: &str) -> (String, bool) {
    let lab = Netlab::start();
    let (a, b) = (lab.host("A"), lab.host("B"));
    let responder = Responder::on(b);
    let mut client = Blocked::start(a, name);
    responder.answer();
    let pid = client.pid();
    wait_until("the client to block printing the reply", || {
        asleep_in(pid, &[libc::SYS_write])
    });
    kill(Pid::from_raw(pid), Signal::SIGSTOP).unwrap();
    wait_until("the client to stop", || {
        proc_stat(pid).is_some_and(|stat| stat[0] == "T")
    });
    wait_until("the alarm to fire", || signal_pending(pid));
    let mut prefill = [0; 4096];
    client.stdout.read_exact(&mut prefill).unwrap();
    kill(Pid::from_raw(pid), Signal::SIGCONT).unwrap();
    let mut exited = None;
    wait_until("the client to exit or to sleep in recvfrom", || {
        exited = client.child.try_wait().unwrap();
        exited.is_some() || asleep_in(pid, &[libc::SYS_recvfrom])
    });
    if let Some(status) = exited {
        assert!(status.success(), "{name}: {status}");
    } else {
        // It will not wake: no signal pending, the one alarm spent.
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        client.child.wait().unwrap();
    }
    let mut out = String::new();
    client.stdout.read_to_string(&mut out).unwrap();
    (out, exited.is_some())
}

/// Each of `names` through [`alarm_while_printing`] in parallel: its output
/// and whether it ended its wait.
fn race(names: &[&'static str]) -> Vec<(&'static str, String, bool)> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = names
            .iter()
            .map(|&name| {
                scope.spawn(move || {
                    let (out, ended) = alarm_while_printing(name);
                    (name, out, ended)
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    })
}

/// udpcli01: the handler runs while the reply is printed, and the next
/// recvfrom blocks for ever. udpcli03: the alarm, blocked while printing,
/// is delivered when sigprocmask unblocks it, before recvfrom, which then
/// blocks for ever.
#[test]
fn udpcli01_and_03_lose_an_alarm_that_fires_while_printing() {
    if skip_unless_root("network namespaces") {
        return;
    }
    for (name, out, ended) in race(&["bcast-udpcli01", "bcast-udpcli03"]) {
        assert_eq!(out, "from 10.0.1.2: B got hi\n", "{name}");
        assert!(!ended, "{name} should hang in recvfrom");
    }
}

/// udpcli04, 05, 06: the same alarm ends the wait: pselect, the handler's
/// mark on the socket (the siglongjmp), the pipe.
#[test]
fn pselect_the_handlers_mark_and_the_pipe_never_lose_it() {
    if skip_unless_root("network namespaces") {
        return;
    }
    for (name, out, ended) in race(&["bcast-udpcli04", "bcast-udpcli05", "bcast-udpcli06"]) {
        assert_eq!(out, "from 10.0.1.2: B got hi\n", "{name}");
        assert!(ended, "{name} should have ended its wait");
    }
}

/// udpcli02 sleeps a second after each reply with a one-second alarm: the
/// alarm fires in the sleep (it was set before the reply came), and the
/// program then blocks in recvfrom for ever with nothing left to wake it.
#[test]
fn udpcli02_hangs_after_the_replies() {
    if skip_unless_root("network namespaces") {
        return;
    }
    let lab = Netlab::start();
    let (a, b) = (lab.host("A"), lab.host("B"));
    let responder = Responder::on(b);
    let mut client = a.spawn_typed("bcast-udpcli02", &["10.0.1.255"]);
    client.type_line("hi\n");
    client.close_stdin();
    responder.answer();
    client.wait_stdout("from 10.0.1.2: B got hi\n");
    wait_until("bcast-udpcli02 to sleep in recvfrom", || {
        asleep_in(client.pid(), &[libc::SYS_recvfrom])
    });
    assert!(client.is_running(), "its end of input never read");
}

#[test]
fn usage() {
    assert_usage(CLIENTS.iter().enumerate().flat_map(|(i, &name)| {
        // udpcli06.c's usage line says udpcli02.
        let book = if i == 5 { 2 } else { i + 1 };
        let line = format!("usage: udpcli0{book} <IPaddress> [port]");
        [
            (name, &[][..], line.clone()),
            (name, &["10.0.1.255", "13", "x"][..], line),
            (name, &["foo"][..], "inet_pton error for foo".to_owned()),
        ]
    }));
}
