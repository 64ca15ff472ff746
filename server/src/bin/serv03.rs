//! `serv03` (`server/serv03.c`, `child03.c`, `lock_fcntl.c`, §30.7): the
//! preforked server with a file lock around `accept`. Only the child that
//! holds an `fcntl` write lock on a lock file may call `accept`, so a new
//! connection wakes one child, on systems where `accept` in many processes
//! would not work or would wake them all. The Makefile: "Similar to Apache
//! server". The lock costs two `fcntl` system calls per connection.
//!
//! Run:
//!
//! ```sh
//! serv03 [ <host> ] <port#> <#children>     # serv03 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output as serv02. Differences from the C: the lock file is made nameless
//! with `O_TMPFILE` in /tmp, not `mkstemp` plus `unlink`; the rest as
//! serv02.

use server::args::ServerArgs;
use server::lock::FcntlLock;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv03 [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let lock = FcntlLock::my_lock_init("/tmp"); // one lock file for all children

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || {
            child_main(i, &listener, Accept::Locked(&lock), None)
        });
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, None)
}
