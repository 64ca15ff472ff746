//! `names/hostent3.c`: [`hostent`](../hostent/index.html) with the
//! reentrant reverse lookup of §11.19, glibc's 8-argument
//! `gethostbyaddr_r` into the caller's buffer, for each IPv4 address.
//!
//! Run: `hostent3 localhost` prints `official host name: localhost` and
//! `\tIPv4 address: 127.0.0.1    name = localhost` (or
//! `    (gethostbyaddr failed: <error>)` after the address).
//!
//! Differs from the C: `gethostbyname` is [`unp::netdb::hostent`] and
//! `gethostbyaddr_r` is [`unp::netdb::getnameinfo`] with `NI_NAMEREQD`,
//! reentrant by design and with no buffer to size (the C's 8192 bytes); its
//! error text is `gai_strerror`'s. The C dereferenced a NULL result when
//! glibc found no name (glibc returns 0 with `*result == NULL`): here that
//! is the `(gethostbyaddr failed: ...)` line. No aliases; the usage line
//! when no argument is given.
//!
//! The first name not found ends the program with its error line and exit
//! status 1, and a failed stdout is an error (`printf error: ...`), where
//! the C goes on to the next name and exits 0.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::SockAddr;
use unp::netdb::{getnameinfo, hostent};
use unp::{err_quit, OrDie};

fn main() {
    let mut stdout = io::stdout();
    let usage = "usage: hostent3 <hostname> ...";
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
        pr_ipv4(&hptr.ipv4());
    }
}

/// Each IPv4 address and the name it maps back to.
fn pr_ipv4(list: &[Ipv4Addr]) {
    let mut stdout = io::stdout();
    for inaddr in list {
        write!(stdout, "\tIPv4 address: {inaddr}").or_die("printf error");
        let sa = SockAddr::from(SocketAddr::new(IpAddr::V4(*inaddr), 0));
        match getnameinfo(&sa, libc::NI_NAMEREQD) {
            Err(e) => writeln!(stdout, "    (gethostbyaddr failed: {e})").or_die("printf error"),
            Ok((name, _)) if name.is_empty() => {
                writeln!(stdout, "    (no hostname returned by gethostbyaddr)")
                    .or_die("printf error")
            }
            Ok((name, _)) => writeln!(stdout, "    name = {name}").or_die("printf error"),
        }
    }
}
