//! `serv02m` (`server/serv02m.c`, `child02m.c`, `meter.c`, §30.6): serv02
//! metered. Each child counts its connections in memory shared with the
//! parent, which prints `child i, N connections` after the CPU time, to
//! show how evenly the kernel spreads connections over children all
//! blocked in `accept` (the book's distribution table, §30.6).
//!
//! Run:
//!
//! ```sh
//! serv02m [ <host> ] <port#> <#children>    # serv02m 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences from the C as serv02. The C's usage line says
//! serv02; this one names serv02m.

use server::args::ServerArgs;
use server::meter::Meter;
use server::prefork::{child_main, Accept, Children};
use server::signals::{SignalPipe, STOP};

fn main() {
    let args = ServerArgs::parse("usage: serv02m [ <host> ] <port#> <#children>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let meter = Some(Meter::new(args.count));

    let mut children = Children::new();
    for i in 0..args.count {
        children.make(&signals, || child_main(i, &listener, Accept::Plain, meter));
    }
    // the C's pause() until SIGINT, then sig_int
    children.stop_on_signal(&signals, meter)
}
