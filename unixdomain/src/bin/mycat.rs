//! mycat (Figure 15.9, `unixdomain/mycat.c`): `cat` of one file that it
//! does not open itself. `my_open` (Figure 15.10) forks and executes
//! `openfile`, which opens the file and passes the open descriptor back
//! over a stream pipe (`SCM_RIGHTS`); mycat then copies it to stdout.
//!
//! The descriptor crosses between processes: the child that opened the
//! file has exited by the time the parent reads from it. Whatever the
//! child may open (a setuid-root `openfile` could open files the user
//! cannot) the parent gets only the one descriptor.
//!
//! Run: `mycat /etc/hostname`. An error is the child's `errno`, sent as
//! its exit status: `mycat /nonexistent` prints
//! `cannot open /nonexistent: No such file or directory`.
//!
//! Differs from the C: `openfile` is found next to `mycat`, not in the
//! current directory; the file is copied in `BUFFSIZE` reads as in the C.

use std::os::fd::AsFd;

use unixdomain::my_open;
use unp::{err_quit, err_sys, wrap, BUFFSIZE};

fn main() {
    let usage = "usage: mycat <pathname>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [pathname] = &args[..] else {
        err_quit(usage);
    };

    let fd = my_open(pathname, libc::O_RDONLY)
        .unwrap_or_else(|err| err_sys(&err, format!("cannot open {pathname}")));

    let mut buff = [0u8; BUFFSIZE];
    loop {
        let n = wrap::read(&fd, &mut buff);
        if n == 0 {
            break;
        }
        wrap::write(std::io::stdout().as_fd(), &buff[..n]);
    }
}
