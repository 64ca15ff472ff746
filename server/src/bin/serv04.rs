//! `serv04` (`server/serv04.c`, `child04.c`, `lock_pthread.c`, §30.8): the
//! preforked server with a pthread mutex around `accept`, shared between
//! the processes: the mutex lives in a `MAP_SHARED` anonymous mapping made
//! before the `fork`s and is initialised `PTHREAD_PROCESS_SHARED`. An
//! uncontended lock is a user-space atomic operation, no system call, so
//! this is cheaper than serv03's `fcntl` lock.
//!
//! ```sh
//! serv04 [ <host> ] <port#> <#children>     # serv04 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences as serv02. The C maps `/dev/zero`; an anonymous
//! mapping is the same memory without opening a file.

use server::lock::PthreadLock;
use server::prefork::{Accept, Prefork};

fn main() {
    let server = Prefork::start("usage: serv04 [ <host> ] <port#> <#children>");
    let lock = PthreadLock::my_lock_init();
    server.run(Accept::Locked(&lock), None)
}
