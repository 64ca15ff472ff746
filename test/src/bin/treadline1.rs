//! treadline1 (`test/treadline1.c`, with `test/readline1.c`, Figure 3.17):
//! counts the lines on stdin with the byte-at-a-time `readline`
//! ([`booktest::readline1`]) and prints `N lines`. One `read(2)` per byte:
//! compare its system calls (`strace -c`) or time with `treadline2` and
//! `treadline3` on 100,000 lines.
//!
//! Run: `seq 100000 | treadline1` prints `100000 lines`.
//!
//! Differs from the C: an argument is refused (`usage: treadline1`); a read
//! error ends the count as end of file does, as in the C, and the count is
//! printed.

use std::io;

use booktest::readline1::readline;
use unp::{err_quit, MAXLINE};

fn main() {
    let args = unp::args::arguments("usage: treadline1", unp::args::Role::Client);
    if !args.is_empty() {
        err_quit("usage: treadline1");
    }
    let mut count = 0;
    let mut recvline = Vec::with_capacity(MAXLINE);
    while matches!(readline(io::stdin(), &mut recvline, MAXLINE), Ok(1..)) {
        count += 1;
    }
    unp::outln!("{count} lines");
}
