//! inetd-daytimetcpsrv3 (Figure 13.12, `inetd/daytimetcpsrv3.c`): the
//! daytime server written for inetd. inetd listens on the port, accepts a
//! connection, forks, puts the connected socket on descriptors 0, 1 and 2
//! and runs this program, which serves that one client: it opens the log
//! ([`daemon_inetd`]), logs `connection from A:P` for its peer
//! (`getpeername` on descriptor 0), writes the time to descriptor 0, closes
//! it and exits.
//!
//! Run: under inetd, with a line such as
//! `daytime stream tcp nowait root /path/to/inetd-daytimetcpsrv3 inetd-daytimetcpsrv3`
//! in `inetd.conf` (`openbsd-inetd`; xinetd or a systemd socket with
//! `Accept=yes` do the same), then `daytimetcpcli 127.0.0.1`. Started by
//! hand, stdin is not a socket: syslog gets `getpeername error: Socket
//! operation on non-socket` and it exits 1.
//!
//! Differs from the C: the name (intro's `daytimetcpsrv3` came first); an
//! argument is refused with the usage line `usage: daytimetcpsrv3` (on
//! stderr, before the log is open), where the C ignores its arguments.

use std::os::fd::{FromRawFd, OwnedFd};

use socket2::SockRef;
use unp::daemon::daemon_inetd;
use unp::time::ctime_now;
use unp::{err_msg, err_quit, sock_ntop, wrap, OrDie};

fn main() {
    let args = unp::args::arguments("usage: daytimetcpsrv3", unp::args::Role::Server);
    if !args.is_empty() {
        err_quit("usage: daytimetcpsrv3");
    }
    let argv0 = std::env::args_os().next().unwrap_or_default();
    daemon_inetd(&argv0.to_string_lossy(), 0);

    // SAFETY: descriptor 0 is open (inetd's socket, or whatever stdin
    // is), and nothing else in the program owns it: std's `Stdin` only
    // borrows it.
    let connfd = unsafe { OwnedFd::from_raw_fd(0) };
    let cliaddr = SockRef::from(&connfd)
        .peer_addr()
        .or_die("getpeername error");
    err_msg(format!("connection from {}", sock_ntop(&cliaddr)));

    let buff = format!("{}\r\n", ctime_now());
    wrap::write(&connfd, buff.as_bytes());

    wrap::close(connfd); // the TCP connection
}
