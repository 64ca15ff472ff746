//! `serv02m` (`server/serv02m.c`, `child02m.c`, `meter.c`, §30.6): serv02
//! metered. Each child counts its connections in memory shared with the
//! parent, which prints `child i, N connections` after the CPU time, to
//! show how evenly the kernel spreads connections over children all
//! blocked in `accept` (the book's distribution table, §30.6).
//!
//! ```sh
//! serv02m [ <host> ] <port#> <#children>    # serv02m 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences as serv02. The C's usage line says serv02; this
//! one names serv02m.

use server::meter::Meter;
use server::prefork::{Accept, Prefork};

fn main() {
    let server = Prefork::start("usage: serv02m [ <host> ] <port#> <#children>");
    let meter = Meter::new(server.nchildren());
    server.run(Accept::Plain, Some(meter))
}
