//! `names/test1.c` (exercise 11.2, number unchecked): [`hostent2`](../hostent2/index.html)
//! done right. The C copies the address list before calling
//! `gethostbyaddr`, whose static result would overwrite it, then prints
//! each address, the name it maps back to, and that name's official name.
//!
//! Run: `names-test1 localhost` prints `official host name: localhost`,
//! then `\taddress: 127.0.0.1`, `\t\tname = localhost` and
//! `\t\tofficial host name: localhost`.
//!
//! Differs from the C: the name (`test1` is also in test/ and libgai/);
//! `gethostbyname`/`gethostbyaddr` are [`unp::netdb::hostent`] and
//! [`unp::netdb::getnameinfo`], whose results are the caller's own, so the
//! copy is no longer needed (it is kept, a `Vec`, to show the lesson), with
//! no limit of 100 addresses; the reverse name's official name is looked up
//! with `hostent` again; no aliases. The C went on to print the official
//! name of a failed lookup (a NULL dereference): here it stops at
//! `\t\t(gethostbyaddr failed)`. The usage line when no argument is given.
//!
//! The first name not found ends the program with its error line and exit
//! status 1, and a failed stdout is an error (`printf error: ...`), where
//! the C goes on to the next name and exits 0.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};

use socket2::SockAddr;
use unp::netdb::{getnameinfo, hostent};
use unp::{err_quit, OrDie};

fn main() {
    let mut stdout = io::stdout();
    let usage = "usage: test1 <hostname> ...";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    if args.is_empty() {
        err_quit(usage);
    }
    for ptr in &args {
        let hptr = match hostent(ptr, libc::AF_INET) {
            Ok(hptr) => hptr,
            Err(e) => err_quit(format!("gethostbyname error for host: {ptr}: {e}")),
        };
        writeln!(stdout, "official host name: {}", hptr.name).or_die("printf error");
        // Copy the list before the reverse lookups (the C's lesson).
        let list: Vec<IpAddr> = hptr.addrs.clone();
        for addr in &list {
            writeln!(stdout, "\taddress: {addr}").or_die("printf error");
            let sa = SockAddr::from(SocketAddr::new(*addr, 0));
            let name = match getnameinfo(&sa, libc::NI_NAMEREQD) {
                Err(_) => {
                    writeln!(stdout, "\t\t(gethostbyaddr failed)").or_die("printf error");
                    continue;
                }
                Ok((name, _)) if name.is_empty() => {
                    writeln!(stdout, "\t\t(no hostname returned by gethostbyaddr)")
                        .or_die("printf error");
                    continue;
                }
                Ok((name, _)) => name,
            };
            writeln!(stdout, "\t\tname = {name}").or_die("printf error");
            let official = hostent(&name, libc::AF_INET).map_or(name, |h| h.name);
            writeln!(stdout, "\t\tofficial host name: {official}").or_die("printf error");
        }
    }
}
