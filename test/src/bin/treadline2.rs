//! treadline2 (`test/treadline2.c`, with `test/readline2.c`, Figure 3.18):
//! counts the lines on stdin with the buffered `readline` whose buffer is
//! one `static` for the process ([`booktest::readline2`]), and prints `N
//! lines`: one `read(2)` per 4096 bytes.
//!
//! Run: `seq 100000 | treadline2` prints `100000 lines`.
//!
//! Differs from the C: an argument is refused (`usage: treadline2`).

use std::io;

use booktest::readline2::readline;
use unp::{err_quit, MAXLINE};

fn main() {
    let args = unp::args::arguments("usage: treadline2", unp::args::Role::Client);
    if !args.is_empty() {
        err_quit("usage: treadline2");
    }
    let mut count = 0;
    let mut recvline = Vec::with_capacity(MAXLINE);
    while readline(io::stdin(), &mut recvline, MAXLINE) > 0 {
        count += 1;
    }
    unp::outln!("{count} lines");
}
