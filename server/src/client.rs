//! The command line of the test client (`server/client.c`, Figure 30.3),
//! shared by `client` and `clientrst`; each writes out the figure's fork,
//! connect, write, read and wait loop itself, as each C file does.

use unp::err_quit;

use crate::web_child::MAXN;

/// The book's usage line, shared by both clients.
pub const USAGE: &str =
    "usage: client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>";

/// `client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>`.
pub struct ClientArgs {
    pub host: String,
    pub port: String,
    pub nchildren: usize,
    pub nloops: usize,
    pub nbytes: usize,
}

impl ClientArgs {
    /// Parse the five arguments; a count that is not a number prints the
    /// usage line and exits 1 (the C's `atoi` makes it 0). A byte count
    /// outside 1..=[`MAXN`] exits 1 with `#bytes/request must be from 1 to
    /// 16384`: the C reads the reply into a `MAXN`-byte buffer without
    /// checking, so a larger count overruns it.
    pub fn parse() -> ClientArgs {
        let args = unp::args::arguments(USAGE, unp::args::Role::Client);
        let [host, port, nchildren, nloops, nbytes] = &args[..] else {
            err_quit(USAGE)
        };
        let number = |text: &str| text.parse::<usize>().unwrap_or_else(|_| err_quit(USAGE));
        let nbytes = number(nbytes);
        if !(1..=MAXN).contains(&nbytes) {
            err_quit(format!("#bytes/request must be from 1 to {MAXN}"));
        }
        ClientArgs {
            host: host.clone(),
            port: port.clone(),
            nchildren: number(nchildren),
            nloops: number(nloops),
            nbytes,
        }
    }
}
