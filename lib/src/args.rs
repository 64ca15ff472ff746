//! The command line, read the same way by every program.
//!
//! - **The port convention.** Every program takes the book's positional
//!   arguments, then one optional extra argument, the port, so that nothing
//!   needs root and tests can use free ports. `tcpcli01 127.0.0.1` talks to
//!   port 9877 as in the book; `tcpcli01 127.0.0.1 40000` to 40000.
//! - **Arguments are bytes.** They are read with
//!   [`std::env::args_os`], which never panics; an argument that is not
//!   UTF-8 (every argument of the book is an address, a name or a number)
//!   prints the usage line and exits 1, as a missing one does.
//! - **Extra arguments are refused.** The C reads the arguments it needs
//!   and ignores the rest (`tcpserv01 9877 oops` runs on 9877); here any
//!   other count prints the usage line and exits 1, so that a mistyped
//!   command never runs as something else. A deliberate difference from the
//!   C, for every program.
//! - **Usage lines name the program.** The book's usage text is kept, and
//!   where it names another program (`usage: tcpcli <IPaddress> [port]`,
//!   printed by `select-tcpcli01`; `usage: a.out ...`) [`err_quit`] adds the
//!   name the reader typed: `usage: tcpcli <IPaddress> [port]   (this is
//!   select-tcpcli01)`.
//! - **SIGPIPE.** Rust's start-up code ignores `SIGPIPE`; C programs get its
//!   default action, death. The start-up here puts the default back for
//!   every client ([`Role::Client`]), so `tcpcli01 ... | head -c 0` dies
//!   silently of the signal as the C does (status 141), and keeps it ignored
//!   for every server ([`Role::Server`]), a deliberate difference from the C:
//!   a server survives a client that resets while it writes, and a closed
//!   stdout (`serv02 ... | true`), with `EPIPE` from the write instead.

use std::ffi::OsString;

use crate::error::err_quit;
use crate::signal::restore_sigpipe;

/// What a program is, for the one start-up choice that depends on it:
/// `SIGPIPE`'s disposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A client: `SIGPIPE` gets its default action back (death), as in C;
    /// its output is its stdout, and it stops when nobody reads it.
    Client,
    /// A server: `SIGPIPE` stays ignored, so that a write to a reset client
    /// or to a closed stdout fails with `EPIPE` and the server goes on.
    Server,
}

/// The program's arguments after its name, each one UTF-8, with `SIGPIPE`
/// set for `role`. An argument that is not UTF-8 prints `usage` and exits 1.
pub fn arguments(usage: &str, role: Role) -> Vec<String> {
    if role == Role::Client {
        restore_sigpipe();
    }
    utf8_arguments(std::env::args_os().skip(1)).unwrap_or_else(|| err_quit(usage))
}

fn utf8_arguments(args: impl Iterator<Item = OsString>) -> Option<Vec<String>> {
    args.map(|arg| arg.into_string().ok()).collect()
}

/// The command line of a program with `book_args` positional arguments and
/// the optional port: returns the book's arguments and the port
/// (`default_port` when none is given). Any other count, an argument that
/// is not UTF-8, or a port that is not a number from 0 to 65535, prints
/// `usage` and exits 1.
///
/// A program whose only argument is the optional port is one of the book's
/// servers (every such program is) and starts as a [`Role::Server`]; every
/// other as a [`Role::Client`]. A server that takes arguments of its own
/// says so with [`server_args`].
pub fn book_args(usage: &str, book_args: usize, default_port: u16) -> (Vec<String>, u16) {
    let role = match book_args {
        0 => Role::Server,
        _ => Role::Client,
    };
    args_with_port(usage, role, book_args, default_port)
}

/// [`book_args`] for a server with `book_args` arguments before its port
/// (`tcpservreactor01 epoll [port]`): it starts as a [`Role::Server`], so
/// a client that resets while it writes is `EPIPE`, not death by
/// `SIGPIPE`.
pub fn server_args(usage: &str, book_args: usize, default_port: u16) -> (Vec<String>, u16) {
    args_with_port(usage, Role::Server, book_args, default_port)
}

fn args_with_port(
    usage: &str,
    role: Role,
    book_args: usize,
    default_port: u16,
) -> (Vec<String>, u16) {
    let mut args = arguments(usage, role);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn a_non_utf8_argument_is_refused_not_a_panic() {
        let good = [OsString::from("127.0.0.1"), OsString::from("")];
        assert_eq!(
            utf8_arguments(good.into_iter()),
            Some(vec!["127.0.0.1".to_string(), String::new()])
        );
        let bad = [OsString::from("1"), OsString::from_vec(vec![0xff, b'1'])];
        assert_eq!(utf8_arguments(bad.into_iter()), None);
    }
}
