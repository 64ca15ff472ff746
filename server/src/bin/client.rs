//! `client` (`server/client.c`, Figure 30.3, §30.3): the test client that
//! drives every server of the chapter.
//!
//! `client <hostname or IPaddr> <port> <#children> <#loops/child> <#bytes/request>`
//! forks `#children` children; each connects `#loops/child` times, sends
//! the line `#bytes/request`, reads exactly that many bytes back and
//! closes (so that TIME_WAIT stays here, not on the server). The book
//! measures its servers with `client <server> 8888 5 500 4000`:
//!
//! ```sh
//! serv02 40123 15 &
//! client 127.0.0.1 40123 5 500 4000   # child 0 done ... child 4 done
//! kill -INT %1                         # the server prints its CPU time
//! ```
//!
//! The port is a book argument, so there is no extra port argument.
//!
//! Differences from the C: a byte count outside 1..=16384 is refused
//! (`#bytes/request must be from 1 to 16384`) instead of overrunning the
//! reply buffer, and the exit status is 1 when any child failed (the C
//! exits 0 regardless). The loop is [`server::client::run`], shared with
//! `clientrst`; the C links `pr_cpu_time.o` but never calls it.

use server::client::{run, ClientArgs};
use unp::tcp_connect;

fn main() {
    let args = ClientArgs::parse();
    run(&args, |_, _| tcp_connect(&args.host, &args.port))
}
