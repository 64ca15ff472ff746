//! The test client's body (`server/client.c`, Figure 30.3), shared by
//! `client` and `clientrst`, which differ only in how they connect.

use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::sys::wait::{wait, WaitStatus};
use nix::unistd::ForkResult;
use socket2::Socket;
use unp::{err_quit, err_sys, readn, wrap, OrDie};

use crate::web_child::MAXN;

/// The book's usage line, shared by both clients.
pub const USAGE: &str =
    "usage: client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>";

/// `client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>`.
pub struct ClientArgs {
    pub host: String,
    pub port: String,
    pub nchildren: usize,
    pub nloops: usize,
    pub nbytes: usize,
}

impl ClientArgs {
    /// Parse the five arguments; a count that is not a number prints the
    /// usage line and exits 1 (the C's `atoi` makes it 0). A byte count
    /// outside 1..=[`MAXN`] exits 1 with `#bytes/request must be from 1 to
    /// 16384`: the C reads the reply into a `MAXN`-byte buffer without
    /// checking, so a larger count overruns it.
    pub fn parse() -> ClientArgs {
        let args = unp::args::arguments(USAGE, unp::args::Role::Client);
        let [host, port, nchildren, nloops, nbytes] = &args[..] else {
            err_quit(USAGE)
        };
        let number = |text: &str| text.parse::<usize>().unwrap_or_else(|_| err_quit(USAGE));
        let nbytes = number(nbytes);
        if !(1..=MAXN).contains(&nbytes) {
            err_quit(format!("#bytes/request must be from 1 to {MAXN}"));
        }
        ClientArgs {
            host: host.clone(),
            port: port.clone(),
            nchildren: number(nchildren),
            nloops: number(nloops),
            nbytes,
        }
    }
}

/// Fork `nchildren` children; child `i` makes `nloops` connections with
/// `connect(i, j)`, on each writes the request `"<nbytes>\n"`, reads exactly
/// `nbytes` back (or dies with `server returned N bytes`) and closes, so
/// that TIME_WAIT stays on the client. Each child prints `child i done`.
/// The parent waits for all of them.
///
/// Exits 0 when every child did; 1 when any failed (the C exits 0 even then,
/// leaving only the children's messages to tell).
pub fn run(args: &ClientArgs, connect: impl Fn(usize, usize) -> Socket) -> ! {
    let request = format!("{}\n", args.nbytes);
    for i in 0..args.nchildren {
        // SAFETY: the client is single-threaded.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            let mut reply = [0u8; MAXN];
            for j in 0..args.nloops {
                let fd = connect(i, j);
                wrap::write(fd.as_fd(), request.as_bytes());
                let n = readn(&fd, &mut reply[..args.nbytes]).or_die("readn error");
                if n != args.nbytes {
                    err_quit(format!("server returned {n} bytes"));
                }
                wrap::close(fd); // TIME_WAIT on the client, not the server
            }
            unp::outln!("child {i} done");
            std::process::exit(0);
        }
    }
    let mut failed = false;
    loop {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) | Err(Errno::EINTR) => {}
            Ok(_) => failed = true,
            Err(Errno::ECHILD) => break,
            Err(err) => err_sys(&err.into(), "wait error"),
        }
    }
    std::process::exit(i32::from(failed))
}
