//! `serv05` (`server/serv05.c`, `child05.c`, `child.h`, §30.9): the
//! preforked server with descriptor passing. Only the parent accepts. It
//! keeps a stream pipe (a Unix-domain `socketpair`) to each child, and
//! passes each new connection to the first idle child over that pipe
//! (`write_fd`, `SCM_RIGHTS`); the child serves it and writes one byte back
//! to say it is idle again. While no child is idle the parent stops
//! watching the listening socket. The Makefile: "Similar to NCSA server".
//! Passing a descriptor costs more than letting the children `accept`.
//!
//! Run:
//!
//! ```sh
//! serv05 [ <host> ] <port#> <#children>     # serv05 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each child prints `child PID starting`. SIGINT (Ctrl-C) or SIGTERM stops the
//! children, prints `user time = U, sys time = S`, then
//! `child i, N connections` for each child, counted by the parent.
//!
//! Differences from the C:
//! - The C `dup2`s the child's end of the pipe onto its stderr, so the
//!   child's error messages go down the pipe to the parent, which reads
//!   them as "idle" bytes. Here the child keeps the pipe on its own
//!   descriptor and stderr stays stderr.
//! - The parent waits in `poll`, not `select`: with one pipe per child, the
//!   descriptors would pass `FD_SETSIZE` (1024) with enough children. It
//!   waits for SIGINT on a self-pipe in the same `poll`, instead of
//!   reporting inside the handler.
//! - A `#children` outside 1 to 4096 is refused with the usage line, exit 1
//!   (`server::args::MAX_COUNT`), where the C's `atoi` takes any number.

use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::UnixStream;

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd::getpid;
use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::prefork::Children;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use socket2::Socket;
use unp::unix::{read_fd, write_fd};
use unp::{err_quit, err_sys, wrap, OrDie};

/// The parent's view of one child (`child.h`).
struct Child {
    /// The parent's end of the stream pipe to the child.
    pipe: UnixStream,
    /// The child is serving a connection.
    busy: bool,
    /// Connections handed to it.
    count: u64,
}

fn main() {
    let args = ServerArgs::parse("usage: serv05 [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let mut children = Children::new();
    let mut child: Vec<Child> = (0..args.count)
        .map(|_| child_make(&listener, &signals, &mut children))
        .collect();
    let mut navail = child.len();
    loop {
        let listen_for = match navail {
            0 => PollFlags::empty(), // no idle child: leave connections queued
            _ => PollFlags::POLLIN,
        };
        let mut fds = vec![
            PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            PollFd::new(listener.as_fd(), listen_for),
        ];
        fds.extend(
            child
                .iter()
                .map(|c| PollFd::new(c.pipe.as_fd(), PollFlags::POLLIN)),
        );
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "poll error"),
        }
        let ready: Vec<bool> = fds.iter().map(|fd| fd.any().unwrap_or(false)).collect();
        drop(fds);

        if ready[0] && signals.take().stop() {
            children.stop();
            pr_cpu_time();
            for (i, c) in child.iter().enumerate() {
                unp::outln!("child {i}, {} connections", c.count);
            }
            std::process::exit(0);
        }
        if ready[1] {
            let (connfd, _cliaddr) = wrap::accept(&listener);
            let i = child
                .iter()
                .position(|c| !c.busy)
                .unwrap_or_else(|| err_quit("no available children"));
            child[i].busy = true; // mark the child busy
            child[i].count += 1;
            navail -= 1;
            write_fd(&child[i].pipe, b"\0", &connfd).or_die("write_fd error");
            wrap::close(connfd);
        }
        for (i, c) in child.iter_mut().enumerate() {
            if ready[i + 2] {
                let mut idle = [0u8; 1];
                if wrap::read(&c.pipe, &mut idle) == 0 {
                    err_quit(format!("child {i} terminated unexpectedly"));
                }
                c.busy = false;
                navail += 1;
            }
        }
    }
}

/// The book's `child_make` for serv05 (`child05.c`): a stream pipe, then a
/// child that keeps one end of it and never sees the listening socket.
fn child_make(listener: &Socket, signals: &SignalPipe, children: &mut Children) -> Child {
    let (parent_end, child_end) = UnixStream::pair().or_die("socketpair error");
    children.make(signals, || {
        // The child needs neither the listening socket nor the parent's
        // end. They are closed by number: their owners are never dropped,
        // this closure ends the child with exit.
        for fd in [listener.as_raw_fd(), parent_end.as_raw_fd()] {
            nix::unistd::close(fd).or_die("close error");
        }
        child_main(&child_end)
    });
    drop(child_end);
    Child {
        pipe: parent_end,
        busy: false,
        count: 0,
    }
}

/// The book's `child_main` for serv05: receive a connection from the
/// parent, serve it, close it, tell the parent it is idle again.
fn child_main(pipe: &UnixStream) -> ! {
    unp::outln!("child {} starting", getpid());
    loop {
        let mut byte = [0u8; 1];
        let (n, connfd) = read_fd(pipe, &mut byte).or_die("read_fd error");
        if n == 0 {
            err_quit("read_fd returned 0");
        }
        let Some(connfd) = connfd else {
            err_quit("no descriptor from read_fd")
        };
        web_child(&connfd); // process the request
        wrap::close(connfd);
        wrap::write(pipe, b"\0"); // tell the parent this child is idle again
    }
}
