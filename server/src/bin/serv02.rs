//! `serv02` (`server/serv02.c`, `child02.c`, §30.6): the
//! preforked server with no locking. The parent opens the listening socket
//! and forks `#children` children; each blocks in `accept` on the socket
//! they all share, and the kernel hands each new connection to one of
//! them. The cost of a `fork` is paid once per child, not per client.
//!
//! Run:
//!
//! ```sh
//! serv02 [ <host> ] <port#> <#children>     # serv02 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each child prints `child PID starting`. SIGINT (Ctrl-C) or SIGTERM sends SIGTERM to
//! every child, waits for them, and prints `user time = U, sys time = S`.
//!
//! The Makefile says this works on BSD-derived kernels, where `accept` is
//! a system call on a socket, but not on SVR4, where it was a library
//! function; on Linux it works. Differences from the C: the parent waits
//! for SIGINT on a self-pipe instead of reporting inside the handler; a
//! bad request ends that connection, not the child. A `#children`
//! outside 1 to 4096 is refused with the usage line, exit 1
//! (`server::args::MAX_COUNT`), where the C's `atoi` takes any number.

use server::args::ServerArgs;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv02 [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || child_main(i, &listener, Accept::Plain, None));
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, None)
}
