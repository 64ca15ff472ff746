//! backlog (§4.5, `debug/backlog.c`; its results are Figure 4.10's table):
//! how many connections complete for each `listen` backlog. A child listens
//! on 127.0.0.1:9999 with backlog 0, 1, ... 14 in turn; for each, the
//! parent opens blocking connects, each under a 2-second `alarm`, until
//! one does not complete: `backlog = 3: timeout, 4 connections completed`.
//! Parent and child keep in step over a socketpair.
//!
//! On Linux every backlog b lets **b + 1** connections complete (the
//! accept queue is full only when it holds more than b), and a SYN that
//! arrives while it is full is dropped: the client's connect waits, and
//! the alarm ends it with `EINTR`. Each round takes 2 s (30 s in all).
//!
//! Run: `backlog` (port 9999) or `backlog 40999`.
//!
//! Differs from the C: the optional port; the backlog is given to
//! `listen(2)` as is, where the book's `Listen` would replace it with
//! `$LISTENQ` when that is set (and skew the table); the sockets of a
//! round that reaches 100 connections are closed too (the C leaks them);
//! port 0 is refused with the usage line (the parent connects to the port
//! it names, where the child's would be the kernel's choice).

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::unix::net::UnixStream;

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::{alarm, fork, ForkResult};
use socket2::{Domain, SockAddr, Type};
use unp::signal::signal;
use unp::{err_sys, readn, wrap, writen, OrDie};

const MAXBACKLOG: usize = 100;

fn main() {
    let (_, port) = unp::book_args("usage: backlog", 0, 9999);
    if port == 0 {
        // The parent connects to the port it named: the kernel's choice
        // would be known only to the child.
        unp::err_quit("usage: backlog");
    }
    let (pfd, cfd) = UnixStream::pair().or_die("socketpair error");
    let serv = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));

    // SAFETY: the program is one thread here; the child only makes
    // sockets and reads and writes descriptors.
    match unsafe { fork() }.or_die("fork error") {
        ForkResult::Child => {
            drop(pfd);
            do_child(&cfd, &serv);
        }
        ForkResult::Parent { .. } => {
            drop(cfd);
            do_parent(&pfd, &serv);
        }
    }
}

extern "C" fn parent_alrm(_signo: libc::c_int) {
    // Only interrupts the blocked connect.
}

fn do_parent(pfd: &UnixStream, serv: &SockAddr) {
    signal(Signal::SIGALRM, SigHandler::Handler(parent_alrm));

    for backlog in 0..=14 {
        unp::out!("backlog = {backlog}: ");
        send_int(pfd, backlog); // tell the child the value
        recv_int(pfd); // wait for the child

        let mut fds = Vec::with_capacity(MAXBACKLOG);
        let mut completed = true;
        for j in 1..=MAXBACKLOG {
            let fd = wrap::socket(Domain::IPV4, Type::STREAM);
            alarm::set(2);
            let connected = fd.connect(serv);
            fds.push(fd);
            if let Err(err) = connected {
                if err.kind() != io::ErrorKind::Interrupted {
                    err_sys(&err, format!("connect error, j = {j}"));
                }
                unp::outln!("timeout, {} connections completed", j - 1);
                completed = false;
                break; // the next backlog; the sockets close here
            }
            alarm::cancel();
        }
        if completed {
            unp::outln!("{MAXBACKLOG} connections?");
        }
    }
    send_int(pfd, -1); // tell the child we are done
}

fn do_child(cfd: &UnixStream, serv: &SockAddr) {
    let mut backlog = recv_int(cfd); // wait for the parent
    while backlog >= 0 {
        let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
        listenfd.set_reuse_address(true).or_die("setsockopt error");
        wrap::bind(&listenfd, serv);
        listenfd.listen(backlog).or_die("listen error"); // start the listen

        send_int(cfd, 0); // tell the parent

        backlog = recv_int(cfd); // just wait for the parent
        drop(listenfd); // closes the queued connections too
    }
}

/// An `int` over the socketpair, as the C writes one.
fn send_int(fd: &UnixStream, value: i32) {
    writen(fd, &value.to_ne_bytes()).or_die("write error");
}

fn recv_int(fd: &UnixStream) -> i32 {
    let mut buf = [0u8; 4];
    if readn(fd, &mut buf).or_die("read error") != buf.len() {
        unp::err_quit("read error: end of file");
    }
    i32::from_ne_bytes(buf)
}
