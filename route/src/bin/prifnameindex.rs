//! `route/prifnameindex.c` (§18.6): every interface's name and index, each
//! checked both ways, and the failures that must fail.
//!
//! Run: `prifnameindex`: `name = lo, index = 1`, one line per interface.
//!
//! BSD: the book's `if_nameindex` (`libroute`, Figure 18.20) builds the
//! list from `sysctl(NET_RT_IFLIST)`. Linux: glibc's
//! [`if_nameindex(3)`](https://man7.org/linux/man-pages/man3/if_nameindex.3.html)
//! reads it from rtnetlink (`RTM_GETLINK`).
//!
//! Differs from the C: glibc's `if_nameindex` in place of the book's
//! `libroute` one; the output is the same.

use nix::net::if_::{if_nameindex, if_nametoindex};
use route::if_indextoname;
use unp::args::{arguments, Role};
use unp::{err_quit, outln, OrDie};

fn main() {
    if !arguments("usage: prifnameindex", Role::Client).is_empty() {
        err_quit("usage: prifnameindex");
    }
    // Print all the interface names and indexes.
    let interfaces = if_nameindex().or_die("if_nameindex error");
    for ifptr in &interfaces {
        let name = ifptr.name().to_string_lossy();
        let index = ifptr.index();
        outln!("name = {name}, index = {index}");
        let n = if_nametoindex(ifptr.name()).unwrap_or(0);
        if n != index {
            err_quit(format!(
                "if_nametoindex returned {n}, expected {index}, for {name}"
            ));
        }
        let ifname = if_indextoname(index)
            .unwrap_or_else(|| err_quit(format!("if_indextoname error for {index}")));
        if ifname != name {
            err_quit(format!(
                "if_indextoname returned {ifname}, expected {name}, for {index}"
            ));
        }
    }
    if let Ok(n) = if_nametoindex("fkjhkjhgjhgjhgdjhguyetiuyiuyhkjhkjdh") {
        err_quit(format!("if_nametoindex returned {n} for fkjh..."));
    }
    if let Ok(n) = if_nametoindex("") {
        err_quit(format!("if_nametoindex returned {n} for (null)"));
    }
    if if_indextoname(0).is_some() {
        err_quit("if_indextoname error for 0");
    }
    if if_indextoname(888888).is_some() {
        err_quit("if_indextoname error for 888888");
    }
}
