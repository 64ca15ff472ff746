//! `names/prmyaddrs1.c` with its own `names/myaddrs1.c`: `prmyaddrs`, but
//! `my_addrs` takes the host's name from `gethostname` instead of `uname`.
//!
//! Run: `prmyaddrs1` prints `\taddress: 127.0.0.1` per address; `my_addrs
//! error` on stderr and exit 1 if the name is unknown.
//!
//! Differs from the C: the name is looked up with
//! [`unp::netdb::hostent`] (`getaddrinfo`) for both families, each address
//! once; any argument prints the usage line and exits 1.

use std::net::IpAddr;

use unp::err_quit;
use unp::netdb::hostent;

/// `myaddrs1.c`'s `my_addrs`:
/// [`gethostname(2)`](https://man7.org/linux/man-pages/man2/gethostname.2.html),
/// then the name's addresses.
fn my_addrs() -> Option<Vec<IpAddr>> {
    let myname = nix::unistd::gethostname().ok()?;
    let hptr = hostent(myname.to_str()?, libc::AF_UNSPEC).ok()?;
    Some(hptr.addrs)
}

fn main() {
    let usage = "usage: prmyaddrs1";
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
