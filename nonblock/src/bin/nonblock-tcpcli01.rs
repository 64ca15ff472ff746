//! `nonblock-tcpcli01` (`nonblock/tcpcli01.c` with `nonblock/strclifork.c`,
//! Figure 16.10): the echo client as **two processes**.
//!
//! After `fork`, the child copies the socket to stdout and the parent copies
//! stdin to the socket, each with plain blocking calls: the two directions
//! never wait on each other, which is what the nonblocking version of
//! Figures 16.3–16.5 works hard for, in a few lines (§16.2 finds it almost
//! as fast). At end of stdin the parent sends a FIN with `shutdown(SHUT_WR)`
//! and waits in `pause` while the child copies the rest of the echo; at the
//! socket's end of file the child sends the parent `SIGTERM` (it would also
//! stop a parent still reading stdin, had the server died) and exits.
//!
//! Run: `nonblock-tcpcli01 <IPaddress> [port]` (the book's port is 7, the
//! echo service; pass the port of `tcpserv04 [port]`).
//!
//! Where the Rust differs:
//! - The parent catches `SIGTERM` with a handler that calls `_exit(0)`, so it
//!   ends exactly where the C's dies, but with status 0: a shell does not
//!   print `Terminated` after every run. The parent never writes to stdout,
//!   so nothing is left unflushed; the child flushes its stdout *before*
//!   signalling, so all the output is out when the parent's exit returns
//!   the prompt.
//! - The child signals its parent only if it still is its parent
//!   (`getppid()` equals the pid noted before `fork`): once the parent has
//!   died, `getppid()` names init or a subreaper, which the C would send
//!   `SIGTERM` to.
//! - The child signals the parent on a read error too (after reporting it),
//!   where the C's `Readline` wrapper exits and leaves the parent in `pause`
//!   for ever.

use std::io::{self, Write};
use std::net::Shutdown;

use nix::sys::signal::{kill, SigHandler, Signal};
use nix::unistd::{getpid, getppid, pause, ForkResult};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::{err_ret, fgets, servaddr_v4, wrap, writen, LineReader, OrDie, MAXLINE};

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sock, &servaddr_v4(&addr, port));

    str_cli(&mut io::stdin().lock(), &sock); // do it all
}

fn str_cli(input: &mut impl io::BufRead, sock: &Socket) {
    let parent = getpid();
    unp::signal::signal(Signal::SIGTERM, SigHandler::Handler(parent_done));
    // SAFETY: the process is single-threaded (nothing above starts a thread).
    if let ForkResult::Child = unsafe { wrap::fork() } {
        // child: server -> stdout
        let status = copy_to_stdout(sock);
        if getppid() == parent {
            let _ = kill(parent, Signal::SIGTERM); // in case parent still running
        }
        std::process::exit(status);
    }

    // parent: stdin -> server
    let mut sendline = Vec::new();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        writen(sock, &sendline).or_die("writen error");
    }
    wrap::shutdown(sock, Shutdown::Write); // EOF on stdin, send FIN
    loop {
        pause(); // until the child's SIGTERM
    }
}

/// The child's half: copy the socket to stdout line by line until end of
/// file, and flush. Returns the exit status, 1 after a read error.
fn copy_to_stdout(sock: &Socket) -> i32 {
    let mut reader = LineReader::new(sock);
    let mut recvline = Vec::new();
    let mut stdout = io::stdout().lock();
    let status = loop {
        match reader.readline(&mut recvline, MAXLINE) {
            Ok(0) => break 0,
            Ok(_) => stdout.write_all(&recvline).or_die("fputs error"),
            Err(err) => {
                err_ret(&err, "readline error");
                break 1;
            }
        }
    };
    stdout.flush().or_die("fputs error");
    status
}

/// The parent's `SIGTERM` handler: the child has copied everything, so end
/// the process as the C's default action would, with status 0.
extern "C" fn parent_done(_signo: libc::c_int) {
    // SAFETY: _exit(2) is async-signal-safe and skips every Rust or libc
    // clean-up, none of which the parent needs (it has no buffered output).
    unsafe { libc::_exit(0) };
}
