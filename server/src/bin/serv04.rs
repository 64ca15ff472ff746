//! `serv04` (`server/serv04.c`, `child04.c`, `lock_pthread.c`, §30.8): the
//! preforked server with a pthread mutex around `accept`, shared between
//! the processes: the mutex lives in a `MAP_SHARED` anonymous mapping made
//! before the `fork`s and is initialised `PTHREAD_PROCESS_SHARED`. An
//! uncontended lock is a user-space atomic operation, no system call, so
//! this is cheaper than serv03's `fcntl` lock.
//!
//! Run:
//!
//! ```sh
//! serv04 [ <host> ] <port#> <#children>     # serv04 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences from the C as serv02. The C maps `/dev/zero`;
//! an anonymous mapping is the same memory without opening a file.

use server::args::ServerArgs;
use server::lock::PthreadLock;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv04 [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let lock = PthreadLock::my_lock_init();

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || {
            child_main(i, &listener, Accept::Locked(&lock), None)
        });
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, None)
}
