//! `clientrst` (`server/clientrst.c`): the test client of §30.3, except that
//! child 2, on every third connection (loop 0, 3, 6, ...), first connects,
//! sets `SO_LINGER` to {on, 0 seconds} and closes, so that an RST reaches
//! the server for a connection it may not have accepted yet, and then
//! connects again and goes on as `client` does.
//!
//! The book wrote it to test its XTI server's handling of a disconnect
//! before `t_accept`. On Linux the reset connection is still returned by
//! `accept`; its first read fails with `ECONNRESET`, which every server
//! here logs (`readline error: Connection reset by peer`) and survives.
//!
//! Run:
//!
//! ```sh
//! serv00 40123 &
//! clientrst 127.0.0.1 40123 3 30 4000
//! ```
//!
//! Arguments, output and differences from the C as `client`.

use nix::errno::Errno;
use nix::sys::wait::{wait, WaitStatus};
use nix::unistd::ForkResult;
use server::client::ClientArgs;
use server::MAXN;
use std::time::Duration;
use unp::{err_quit, err_sys, readn, tcp_connect, wrap, OrDie};

fn main() {
    let args = ClientArgs::parse();
    let request = format!("{}\n", args.nbytes); // newline at end
    for i in 0..args.nchildren {
        // SAFETY: the client is single-threaded.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            let mut reply = [0u8; MAXN];
            for j in 0..args.nloops {
                if i == 2 && j % 3 == 0 {
                    let doomed = tcp_connect(&args.host, &args.port);
                    doomed
                        .set_linger(Some(Duration::ZERO))
                        .or_die("setsockopt error");
                    wrap::close(doomed); // sends RST, not FIN
                }
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
