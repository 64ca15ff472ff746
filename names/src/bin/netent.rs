//! `names/netent.c`: look up each network name in `/etc/networks` with
//! `getnetbyname` and print its official name and aliases.
//!
//! Run: `netent loopback link-local nosuch` prints
//! `official netname: loopback` and `official netname: link-local` (Debian's
//! netbase `/etc/networks`), and `getnetbyname error for net: nosuch:
//! Unknown host` on stderr.
//!
//! Differs from the C: [`unp::netdb::getnetbyname`] is glibc's reentrant
//! `getnetbyname_r`, which reports its own `h_errno`: the C printed
//! `hstrerror(h_errno)` of a variable `getnetbyname` does not set (it read
//! `Unknown host` by luck). The usage line when no argument is given.
//!
//! The first name not found ends the program with its error line and exit
//! status 1, and a failed stdout is an error (`printf error: ...`), where
//! the C goes on to the next name and exits 0.

use std::io::{self, Write};
use unp::netdb::{getnetbyname, hstrerror};
use unp::{err_msg, err_quit, OrDie};

fn main() {
    let mut stdout = io::stdout();
    let usage = "usage: netent <netname> ...";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.is_empty() {
        err_quit(usage);
    }
    for ptr in &args {
        let nptr = match getnetbyname(ptr) {
            Ok(nptr) => nptr,
            Err(h_errno) => err_quit(format!(
                "getnetbyname error for net: {ptr}: {}",
                hstrerror(h_errno)
            )),
        };
        writeln!(stdout, "official netname: {}", nptr.name).or_die("printf error");
        for alias in &nptr.aliases {
            writeln!(stdout, "\talias: {alias}").or_die("printf error");
        }
        if nptr.addrtype != libc::AF_INET && nptr.addrtype != libc::AF_INET6 {
            err_msg("unknown address type");
        }
    }
}
