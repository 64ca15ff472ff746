//! The project's port convention: every program takes the book's
//! positional arguments, then one optional extra argument, the port, so that
//! nothing needs root and tests can use free ports. `tcpcli01 127.0.0.1`
//! talks to port 9877 as in the book; `tcpcli01 127.0.0.1 40000` to 40000.

use crate::error::err_quit;

/// The command line of a program with `book_args` positional arguments and
/// the optional port: returns the book's arguments and the port
/// (`default_port` when none is given). Any other count, or a port that is
/// not a number from 0 to 65535, prints `usage` and exits 1.
pub fn book_args(usage: &str, book_args: usize, default_port: u16) -> (Vec<String>, u16) {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != book_args && args.len() != book_args + 1 {
        err_quit(usage);
    }
    let port = match args.len() > book_args {
        true => args
            .pop()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| err_quit(usage)),
        false => default_port,
    };
    (args, port)
}
