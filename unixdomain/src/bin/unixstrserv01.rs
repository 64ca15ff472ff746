//! unixstrserv01 (Figure 15.3, `unixdomain/unixstrserv01.c`): the
//! forking echo server of Figure 5.12 over a Unix-domain stream socket.
//!
//! Only the address changes: an `AF_LOCAL` socket bound to a pathname
//! instead of a port. The rest is tcpserv04: SIGCHLD reaped with a
//! `waitpid` loop (`child N terminated`), `accept` restarted after
//! `EINTR`, a child per client running `str_echo`.
//!
//! Run: `unixstrserv01 &` (the book's `/tmp/unix.str`), then
//! `unixstrcli01`; or `unixstrserv01 /tmp/my.sock &` and
//! `unixstrcli01 /tmp/my.sock`; the Linux extra `unixstrserv01 @unix.str`
//! binds an abstract name.
//!
//! Differs from the C: the optional pathname argument; the old pathname
//! is removed only if it is a socket nobody listens on, so a second server
//! fails with `bind error: Address already in use` instead of stealing the
//! name (`unp::unix::unlink_stale`); `child N terminated` is written with
//! `write(2)` in the handler.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, Type};
use unixdomain::{path_arg, UNIXSTR_PATH};
use unp::args::Role;
use unp::signal::{sig_chld_waitpid, signal};
use unp::unix::{sockaddr_un, unlink_stale};
use unp::{err_sys, str_echo, wrap, LISTENQ};

fn main() {
    let path = path_arg(
        "usage: unixstrserv01 [pathname]",
        UNIXSTR_PATH,
        Role::Server,
    );
    let listenfd = wrap::socket(Domain::UNIX, Type::STREAM);

    unlink_stale(&path, Type::STREAM);
    let servaddr = sockaddr_un(&path);
    wrap::bind(&listenfd, &servaddr);

    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));

    loop {
        let connfd = match listenfd.accept() {
            Ok((connfd, _cliaddr)) => connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue, // back to the loop
            Err(err) => err_sys(&err, "accept error"),
        };
        // SAFETY: the server never starts a thread, so the child may run any
        // code, allocation included.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            wrap::close(listenfd); // close listening socket
            str_echo(&connfd); // process request
            std::process::exit(0);
        }
        wrap::close(connfd); // parent closes connected socket
    }
}
