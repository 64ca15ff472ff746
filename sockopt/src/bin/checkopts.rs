//! checkopts (Figures 7.3 to 7.5, `sockopt/checkopts.c`): the default of
//! every socket option of Figure 7.1's table, read from a fresh socket.
//!
//! Figure 7.3 is the table: each option's name, level, number and the
//! function that prints its value. Figure 7.4 is the loop: for each option,
//! a new TCP socket of the right family, `getsockopt`, and
//! `NAME: default = <value>`. Figure 7.5 is one of the printing functions;
//! each checks that the kernel returned the length the option should have.
//!
//! Run: `checkopts`. On Linux it prints, among others,
//! `SO_RCVBUF: default = 131072`, `SO_SNDBUF: default = 16384`,
//! `SO_LINGER: default = l_onoff = 0, l_linger = 0`,
//! `TCP_MAXSEG: default = 536`.
//!
//! Differs from the C: the C leaves out `SO_USELOOPBACK` where the macro is
//! missing; here it is listed `(undefined)` like the other options Linux
//! lacks (it is BSD-only), so the list is the book's. The SCTP options are
//! `(undefined)` as in the C built on Linux without lksctp's headers (and
//! this kernel has no SCTP). Options Linux has are read and printed with
//! the value Linux gives (see the crate's doc).

use std::mem::size_of;

use libc::{IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, SOL_SOCKET};

use socket2::{Domain, Type};
use sockopt::getsockopt;
use unp::args::{arguments, Role};
use unp::{err_quit, err_ret, wrap};

/// How to print an option's value: the C's `opt_val_str` pointer.
type ValStr = fn(&[u8]) -> String;

/// One row of Figure 7.3: name, level and number, and the printing
/// function; `None` where the system has no such option (the C's `NULL`).
struct SockOpts {
    opt_str: &'static str,
    opt: Option<(i32, i32, ValStr)>,
}

const fn opt(opt_str: &'static str, level: i32, name: i32, val_str: ValStr) -> SockOpts {
    SockOpts {
        opt_str,
        opt: Some((level, name, val_str)),
    }
}

const fn undefined(opt_str: &'static str) -> SockOpts {
    SockOpts { opt_str, opt: None }
}

#[rustfmt::skip]
const SOCK_OPTS: &[SockOpts] = &[
    opt("SO_BROADCAST",      SOL_SOCKET,   libc::SO_BROADCAST,      sock_str_flag),
    opt("SO_DEBUG",          SOL_SOCKET,   libc::SO_DEBUG,          sock_str_flag),
    opt("SO_DONTROUTE",      SOL_SOCKET,   libc::SO_DONTROUTE,      sock_str_flag),
    opt("SO_ERROR",          SOL_SOCKET,   libc::SO_ERROR,          sock_str_int),
    opt("SO_KEEPALIVE",      SOL_SOCKET,   libc::SO_KEEPALIVE,      sock_str_flag),
    opt("SO_LINGER",         SOL_SOCKET,   libc::SO_LINGER,         sock_str_linger),
    opt("SO_OOBINLINE",      SOL_SOCKET,   libc::SO_OOBINLINE,      sock_str_flag),
    opt("SO_RCVBUF",         SOL_SOCKET,   libc::SO_RCVBUF,         sock_str_int),
    opt("SO_SNDBUF",         SOL_SOCKET,   libc::SO_SNDBUF,         sock_str_int),
    opt("SO_RCVLOWAT",       SOL_SOCKET,   libc::SO_RCVLOWAT,       sock_str_int),
    opt("SO_SNDLOWAT",       SOL_SOCKET,   libc::SO_SNDLOWAT,       sock_str_int),
    opt("SO_RCVTIMEO",       SOL_SOCKET,   libc::SO_RCVTIMEO,       sock_str_timeval),
    opt("SO_SNDTIMEO",       SOL_SOCKET,   libc::SO_SNDTIMEO,       sock_str_timeval),
    opt("SO_REUSEADDR",      SOL_SOCKET,   libc::SO_REUSEADDR,      sock_str_flag),
    opt("SO_REUSEPORT",      SOL_SOCKET,   libc::SO_REUSEPORT,      sock_str_flag),
    opt("SO_TYPE",           SOL_SOCKET,   libc::SO_TYPE,           sock_str_int),
    undefined("SO_USELOOPBACK"),
    opt("IP_TOS",            IPPROTO_IP,   libc::IP_TOS,            sock_str_int),
    opt("IP_TTL",            IPPROTO_IP,   libc::IP_TTL,            sock_str_int),
    opt("IPV6_DONTFRAG",     IPPROTO_IPV6, libc::IPV6_DONTFRAG,     sock_str_flag),
    opt("IPV6_UNICAST_HOPS", IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, sock_str_int),
    opt("IPV6_V6ONLY",       IPPROTO_IPV6, libc::IPV6_V6ONLY,       sock_str_flag),
    opt("TCP_MAXSEG",        IPPROTO_TCP,  libc::TCP_MAXSEG,        sock_str_int),
    opt("TCP_NODELAY",       IPPROTO_TCP,  libc::TCP_NODELAY,       sock_str_flag),
    undefined("SCTP_AUTOCLOSE"),
    undefined("SCTP_MAXBURST"),
    undefined("SCTP_MAXSEG"),
    undefined("SCTP_NODELAY"),
];

fn main() {
    if !arguments("usage: checkopts", Role::Client).is_empty() {
        err_quit("usage: checkopts");
    }
    // The C's `union val`: room for the largest value, a `struct timeval`.
    let mut val = [0u8; size_of::<libc::timeval>()];
    for ptr in SOCK_OPTS {
        unp::out!("{}: ", ptr.opt_str);
        let Some((level, name, opt_val_str)) = ptr.opt else {
            unp::outln!("(undefined)");
            continue;
        };
        let domain = match level {
            SOL_SOCKET | IPPROTO_IP | IPPROTO_TCP => Domain::IPV4,
            IPPROTO_IPV6 => Domain::IPV6,
            _ => err_quit(format!("Can't create fd for level {level}\n")),
        };
        let fd = wrap::socket(domain, Type::STREAM);
        match getsockopt(&fd, level, name, &mut val) {
            Err(err) => err_ret(&err, "getsockopt error"),
            Ok(len) => unp::outln!("default = {}", opt_val_str(&val[..len])),
        }
        wrap::close(fd);
    }
}

/// The `int` at the start of `val`, if `val` is exactly an `int`.
fn int_of(val: &[u8]) -> Result<i32, String> {
    val.try_into()
        .map(i32::from_ne_bytes)
        .map_err(|_| format!("size ({}) not sizeof(int)", val.len()))
}

/// Figure 7.5: a flag, `on` or `off`.
fn sock_str_flag(val: &[u8]) -> String {
    int_of(val).map_or_else(|e| e, |i| if i == 0 { "off" } else { "on" }.to_string())
}

fn sock_str_int(val: &[u8]) -> String {
    int_of(val).map_or_else(|e| e, |i| i.to_string())
}

fn sock_str_linger(val: &[u8]) -> String {
    if val.len() != size_of::<libc::linger>() {
        return format!("size ({}) not sizeof(struct linger)", val.len());
    }
    let (l_onoff, l_linger) = val.split_at(size_of::<libc::c_int>());
    let int = |b: &[u8]| i32::from_ne_bytes(b.try_into().expect("an int"));
    format!("l_onoff = {}, l_linger = {}", int(l_onoff), int(l_linger))
}

fn sock_str_timeval(val: &[u8]) -> String {
    if val.len() != size_of::<libc::timeval>() {
        return format!("size ({}) not sizeof(struct timeval)", val.len());
    }
    let (tv_sec, tv_usec) = val.split_at(size_of::<libc::time_t>());
    let tv_sec = libc::time_t::from_ne_bytes(tv_sec.try_into().expect("a time_t"));
    let tv_usec = libc::suseconds_t::from_ne_bytes(tv_usec.try_into().expect("a suseconds_t"));
    format!("{tv_sec} sec, {tv_usec} usec")
}
