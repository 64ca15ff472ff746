//! `serv02l` (`server/serv02.c` with `child02l.c`, §30.6): serv02, except
//! that each child blocks in `select` for the listening socket and only
//! then calls `accept`. Every child is woken for every connection, one
//! wins the `accept`, and the others block in `accept` until the next one:
//! the *select collisions* the book describes, paid for in CPU time
//! (compare its line in Figure 30.1 with serv02's).
//!
//! Run:
//!
//! ```sh
//! serv02l [ <host> ] <port#> <#children>    # serv02l 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences from the C as serv02. The usage line names serv02l.

use server::args::ServerArgs;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv02l [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || {
            child_main(i, &listener, Accept::SelectFirst, None)
        });
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, None)
}
