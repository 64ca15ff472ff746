//! The servers' command line, as every `servNN.c` parses it:
//! `[ <host> ] <port#>`, then `<#children>` or `<#threads>` for the pools.

use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{err_quit, tcp_listen};

/// The largest pool a server makes: enough for any load the lab measures,
/// and far below the point where making threads (each with its stack) or
/// processes fails part-way, where `serv07 P 100000` panicked inside std.
pub const MAX_COUNT: usize = 4096;

/// A server's arguments.
pub struct ServerArgs {
    /// The address to listen on; `None` is the wildcard (`tcp_listen(NULL, ...)`).
    pub host: Option<String>,
    /// The port or service name.
    pub port: String,
    /// The pool size, for the servers that take one.
    pub count: usize,
}

impl ServerArgs {
    /// Parse `[ <host> ] <port#>` (when `takes_count` is false) or
    /// `[ <host> ] <port#> <#children>`. Anything else, or a count that is
    /// not a number from 1 to [`MAX_COUNT`] (the C's `atoi` makes a bad one
    /// 0, a server that never serves, and takes any size), prints `usage`
    /// and exits 1. Starts the program as a
    /// server ([`Role::Server`]: `SIGPIPE` stays ignored).
    pub fn parse(usage: &str, takes_count: bool) -> ServerArgs {
        let mut args = arguments(usage, Role::Server);
        let count = match takes_count {
            true => match args.pop().map(|n| n.parse::<usize>()) {
                Some(Ok(n)) if (1..=MAX_COUNT).contains(&n) => n,
                _ => err_quit(usage),
            },
            false => 1,
        };
        let (host, port) = match args.len() {
            1 => (None, args.remove(0)),
            2 => (Some(args.remove(0)), args.remove(0)),
            _ => err_quit(usage),
        };
        ServerArgs { host, port, count }
    }

    /// The listening socket: the book's `Tcp_listen(host, port, &addrlen)`.
    pub fn listen(&self) -> Socket {
        tcp_listen(self.host.as_deref(), &self.port)
    }
}
