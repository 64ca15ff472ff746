//! `serv02l` (`server/serv02.c` with `child02l.c`, §30.6): serv02, except
//! that each child blocks in `select` for the listening socket and only
//! then calls `accept`. Every child is woken for every connection, one
//! wins the `accept`, and the others block in `accept` until the next one:
//! the *select collisions* the book describes, paid for in CPU time
//! (compare its line in Figure 30.1 with serv02's).
//!
//! ```sh
//! serv02l [ <host> ] <port#> <#children>    # serv02l 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output and differences as serv02. The usage line names serv02l.

use server::prefork::{Accept, Prefork};

fn main() {
    let server = Prefork::start("usage: serv02l [ <host> ] <port#> <#children>");
    server.run(Accept::SelectFirst, None)
}
