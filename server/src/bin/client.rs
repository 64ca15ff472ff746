//! `client` (`server/client.c`, Figure 30.3, §30.3): the test client that
//! drives every server of the chapter.
//!
//! `client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>`
//! forks `#children` children; each connects `#loops/child` times, sends
//! the line `#bytes/request`, reads exactly that many bytes back and
//! closes (so that TIME_WAIT stays here, not on the server). The book
//! measures its servers with `client <server> 8888 5 500 4000`:
//!
//! Run:
//!
//! ```sh
//! serv02 40123 15 &
//! client 127.0.0.1 40123 5 500 4000   # child 0 done ... child 4 done
//! kill -INT %1                         # the server prints its CPU time
//! ```
//!
//! The port is a book argument, so there is no extra port argument.
//!
//! Differences from the C: a byte count outside 1..=16384 is refused
//! (`#bytes/request must be from 1 to 16384`) instead of overrunning the
//! reply buffer, and the exit status is 1 when any child failed (the C
//! exits 0 regardless). The C links `pr_cpu_time.o` but never calls it.

use nix::errno::Errno;
use nix::sys::wait::{wait, WaitStatus};
use nix::unistd::ForkResult;
use server::client::ClientArgs;
use server::MAXN;
use unp::{err_quit, err_sys, readn, tcp_connect, wrap, OrDie};

fn main() {
    let args = ClientArgs::parse();
    let request = format!("{}\n", args.nbytes); // newline at end
    for i in 0..args.nchildren {
        // SAFETY: the client is single-threaded.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            let mut reply = [0u8; MAXN];
            for _ in 0..args.nloops {
                let fd = tcp_connect(&args.host, &args.port);
                wrap::write(&fd, request.as_bytes());
                let n = readn(&fd, &mut reply[..args.nbytes]).or_die("readn error");
                if n != args.nbytes {
                    err_quit(format!("server returned {n} bytes"));
                }
                wrap::close(fd); // TIME_WAIT on the client, not the server
            }
            unp::outln!("child {i} done");
            std::process::exit(0);
        }
        // the parent loops around to fork again
    }

    let mut failed = false;
    loop {
        // now the parent waits for all the children
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) | Err(Errno::EINTR) => {}
            Ok(_) => failed = true,
            Err(Errno::ECHILD) => break,
            Err(err) => err_sys(&err.into(), "wait error"),
        }
    }
    std::process::exit(i32::from(failed))
}
