//! `names/prmyaddrs.c` (with `lib/my_addrs.c`): print this host's
//! addresses, found by looking up its own name (`uname`'s `nodename`).
//!
//! Run: `prmyaddrs` prints `\taddress: 127.0.0.1` per address (the
//! host name must be in `/etc/hosts` or the DNS); `my_addrs error` on
//! stderr and exit 1 if the name is unknown.
//!
//! Differs from the C: [`unp::netdb::my_addrs`] looks the name up with
//! `getaddrinfo` for both families, so IPv6 addresses are printed too (the
//! C's `gethostbyname` gives IPv4 only), each once. Any argument prints the
//! usage line and exits 1 (the C ignores them).

use unp::err_quit;
use unp::netdb::my_addrs;

fn main() {
    let usage = "usage: prmyaddrs";
    if !unp::args::arguments(usage, unp::args::Role::Client).is_empty() {
        err_quit(usage);
    }
    let Some(addrs) = my_addrs() else {
        err_quit("my_addrs error");
    };
    for addr in addrs {
        unp::outln!("\taddress: {addr}");
    }
}
