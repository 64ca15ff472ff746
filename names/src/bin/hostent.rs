//! Figure 11.3, `names/hostent.c`: look up each host name and print its
//! `hostent`: the official name and its IPv4 addresses.
//!
//! Run: `hostent localhost 127.0.0.1 nosuch.invalid` prints
//! `official hostname: localhost` and `\taddress: 127.0.0.1` for each of
//! the first two, and `gethostbyname error for host: nosuch.invalid: ...`
//! on stderr for the third, and exits 1.
//!
//! Differs from the C: `gethostbyname` (obsolete in glibc) is
//! [`unp::netdb::hostent`], `getaddrinfo` for `AF_INET` with
//! `AI_CANONNAME`, so there are no `\talias:` lines and the error is
//! `gai_strerror`'s text; no argument prints the usage line and exits 1
//! (the C prints nothing).
//!
//! The first name not found ends the program with its error line and exit
//! status 1, and a failed stdout is an error (`printf error: ...`), where
//! the C goes on to the next name and exits 0.

use std::io::{self, Write};

use unp::netdb::hostent;
use unp::{err_quit, OrDie};

fn main() {
    let mut stdout = io::stdout();
    let usage = "usage: hostent <hostname> ...";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.is_empty() {
        err_quit(usage);
    }
    for ptr in &args {
        let hptr = match hostent(ptr, libc::AF_INET) {
            Ok(hptr) => hptr,
            Err(e) => err_quit(format!("gethostbyname error for host: {ptr}: {e}")),
        };
        writeln!(stdout, "official hostname: {}", hptr.name).or_die("printf error");
        for addr in hptr.ipv4() {
            writeln!(stdout, "\taddress: {addr}").or_die("printf error");
        }
    }
}
