//! `names/hostent2.c` (exercise 11.1, number unchecked): [`hostent`](../hostent/index.html)
//! plus a reverse lookup of each address, the `gethostbyaddr` of §11.4.
//!
//! Run: `hostent2 localhost` prints `official hostname: localhost`, then for
//! each address `\taddress: 127.0.0.1` and `\tname = localhost`, or
//! `\t(gethostbyaddr failed)` when no name maps back.
//!
//! Differs from the C: `gethostbyname` and `gethostbyaddr` (obsolete in
//! glibc) are [`unp::netdb::hostent`] and [`unp::netdb::getnameinfo`] with
//! `NI_NAMEREQD`; no aliases; `gai_strerror`'s error text; the usage line
//! when no argument is given. The C's bug is gone: its `gethostbyaddr`
//! overwrote the static `hostent` its loop was walking, so after the first
//! address it printed the reverse lookup's list (`names-test1` is the book's
//! fix); here each lookup returns its own value.
//!
//! The first name not found ends the program with its error line and exit
//! status 1, and a failed stdout is an error (`printf error: ...`), where
//! the C goes on to the next name and exits 0.

use std::io::{self, Write};
use std::net::SocketAddr;

use socket2::SockAddr;
use unp::netdb::{getnameinfo, hostent};
use unp::{err_quit, OrDie};

fn main() {
    let mut stdout = io::stdout();
    let usage = "usage: hostent2 <hostname> ...";
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
        for addr in &hptr.addrs {
            writeln!(stdout, "\taddress: {addr}").or_die("printf error");
            let sa = SockAddr::from(SocketAddr::new(*addr, 0));
            match getnameinfo(&sa, libc::NI_NAMEREQD) {
                Err(_) => writeln!(stdout, "\t(gethostbyaddr failed)").or_die("printf error"),
                Ok((name, _)) if name.is_empty() => {
                    writeln!(stdout, "\t(no hostname returned by gethostbyaddr)")
                        .or_die("printf error")
                }
                Ok((name, _)) => writeln!(stdout, "\tname = {name}").or_die("printf error"),
            }
        }
    }
}
