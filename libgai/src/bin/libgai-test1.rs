//! `libgai/test1.c`: does looking up an address literal for the other
//! family fail? BIND 8.1 answered `gethostbyname2("127.0.0.1", AF_INET6)`
//! with success; a correct resolver fails it.
//!
//! Run: `libgai-test1 127.0.0.1` prints
//! `gethostbyname2(127.0.0.1, AF_INET): OK` and
//! `gethostbyname2(127.0.0.1, AF_INET6): failed`; `libgai-test1 ::1` the
//! reverse.
//!
//! Differs from the C: the name (`test1` is also in names/ and test/);
//! `gethostbyname2` (obsolete in glibc) is [`unp::netdb::hostent`],
//! `getaddrinfo` for one family; the argument must be an address literal,
//! as the usage line says (`inet_pton error for X` otherwise; the C looks
//! up any name). The usage line says `test2`, as the C's does.

use unp::netdb::hostent;
use unp::{err_quit, wrap};

fn main() {
    let usage = "usage: test2 <IPaddress>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [addr] = &args[..] else {
        err_quit(usage);
    };
    if wrap::inet_pton4(addr).is_none() && wrap::inet_pton6(addr).is_none() {
        err_quit(format!("inet_pton error for {addr}"));
    }

    for (family, name) in [(libc::AF_INET, "AF_INET"), (libc::AF_INET6, "AF_INET6")] {
        let found = hostent(addr, family).is_ok();
        unp::outln!(
            "gethostbyname2({addr}, {name}): {}",
            if found { "OK" } else { "failed" }
        );
    }
}
