//! unixstrserv02 (Figures 15.15 and 15.16, `unixdomain/unixstrserv02.c`
//! with `strecho.c` and `readcred.c`): unixstrserv01 whose `str_echo`
//! prints the sender's credentials before echoing each read.
//!
//! For each read the child prints `PID of sender = P`,
//! `real user ID = U` and `real group ID = G`, the client's, as the kernel
//! vouches for them: a client run by another user shows that user's IDs.
//!
//! Run: `unixstrserv02 &`, then `unixstrcli01` (both on the book's
//! `/tmp/unix.str`), or with a pathname argument on both; try
//! `setpriv --reuid=65534 --regid=65534 --clear-groups unixstrcli01` as
//! root.
//!
//! Differs from the C, which builds only on FreeBSD (`SCM_CREDS`,
//! `struct cmsgcred`): Linux's `SO_PASSCRED` and `SCM_CREDENTIALS` (see the
//! crate's doc), so no effective user ID or group list. `SO_PASSCRED` is set
//! once, on the listening socket before `listen`; every accepted socket
//! inherits it. Plus unixstrserv01's differences.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, Type};
use unixdomain::{path_arg, str_echo, UNIXSTR_PATH};
use unp::args::Role;
use unp::signal::{sig_chld_waitpid, signal};
use unp::unix::{sockaddr_un, unlink_stale};
use unp::{err_sys, wrap, OrDie, LISTENQ};

fn main() {
    let path = path_arg(
        "usage: unixstrserv02 [pathname]",
        UNIXSTR_PATH,
        Role::Server,
    );
    let listenfd = wrap::socket(Domain::UNIX, Type::STREAM);

    unlink_stale(&path, Type::STREAM);
    let servaddr = sockaddr_un(&path);
    wrap::bind(&listenfd, &servaddr);

    listenfd.set_passcred(true).or_die("setsockopt error");
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
            str_echo(&connfd); // process the request, credentials printed
            std::process::exit(0);
        }
        wrap::close(connfd); // parent closes connected socket
    }
}
