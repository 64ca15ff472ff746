//! treadline3 (`test/treadline3.c`, with `test/readline3.c` and
//! `readline.h`): counts the lines on stdin with the `readline` whose state
//! the caller holds (`Rline`, set up by `readline_rinit`, read by
//! `readline_r`): a buffer per descriptor, no `static`, safe for threads.
//! That is [`unp::LineReader`]: `LineReader::new(fd)` is `readline_rinit`,
//! its `readline` method `readline_r`. Prints `N lines`; one `read(2)` per
//! 4096 bytes.
//!
//! Run: `seq 100000 | treadline3` prints `100000 lines`.
//!
//! Differs from the C: an argument is refused (`usage: treadline3`); the
//! caller's line buffer is passed to each call rather than kept in the
//! state.

use std::io;

use unp::{err_quit, LineReader, MAXLINE};

fn main() {
    let args = unp::args::arguments("usage: treadline3", unp::args::Role::Client);
    if !args.is_empty() {
        err_quit("usage: treadline3");
    }
    let mut count = 0;
    let mut recvline = Vec::with_capacity(MAXLINE);
    let mut rline = LineReader::new(io::stdin());
    while matches!(rline.readline(&mut recvline, MAXLINE), Ok(1..)) {
        count += 1;
    }
    unp::outln!("{count} lines");
}
