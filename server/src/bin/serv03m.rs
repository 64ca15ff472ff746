//! `serv03m` (`server/serv03m.c`, `child03m.c`, `lock_fcntl.c`, `meter.c`,
//! §30.7): serv03 metered. After the CPU time the parent prints
//! `child i, N connections`: with the lock, the kernel's choice of which
//! waiting child gets the lock decides the spread.
//!
//! Run:
//!
//! ```sh
//! serv03m [ <host> ] <port#> <#children>    # serv03m 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences from the C as serv03. The C's usage line says
//! serv03; this one names serv03m.

use server::args::ServerArgs;
use server::lock::FcntlLock;
use server::meter::Meter;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv03m [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let meter = Some(Meter::new(args.count));
    let lock = FcntlLock::my_lock_init("/tmp"); // one lock file for all children

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || {
            child_main(i, &listener, Accept::Locked(&lock), meter)
        });
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, meter)
}
