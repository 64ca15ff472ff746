//! debug-test02 (`debug/test02.c`, not in the book): connects with
//! `tcp_connect`, then waits in `select` on the **exception set only**,
//! for ever. The question: does the peer's FIN (end of file) count as an
//! exception? On Linux, no: the program sleeps on through the server's
//! close; only urgent data (`MSG_OOB`, chapter 24) ends the `select`, and
//! the program exits 0.
//!
//! Run: `debug-test02 127.0.0.1 40013` against `daytimetcpsrv 40013`: it
//! never returns (Ctrl-C).
//!
//! Differs from the C: the name (threads/ has a `test02`); the usage line
//! is the C's, which names `test01`, with `(this is debug-test02)` added;
//! `select` errors end it with `select error` (the C ignores them).

use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use unp::{err_quit, tcp_connect, OrDie};

fn main() {
    let usage = "usage: test01 <hostname/IPaddress> <service/port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage)
    };

    let fd = tcp_connect(host, serv);

    let mut exset = FdSet::new();
    exset.insert(fd.as_fd());
    select(None, None, None, &mut exset, None).or_die("select error");
}
