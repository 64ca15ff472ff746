//! `route/prifname.c` (§18.6): an interface's name from its index.
//!
//! Run: `prifname <interface-index>`: `prifname 1` prints `interface name
//! = lo`; an index no interface has, `if_indextoname error for 99`.
//!
//! BSD: the book's `if_indextoname` (`libroute`, Figure 18.19) scans the
//! `sysctl(NET_RT_IFLIST)` messages for the index. Linux: glibc's
//! [`if_indextoname(3)`](https://man7.org/linux/man-pages/man3/if_indextoname.3.html)
//! asks the kernel with `ioctl(SIOCGIFNAME)`.
//!
//! Differs from the C: an index that is not a number prints the usage line
//! (the C's `atoi` makes it 0, then `if_indextoname error for 0`).

use unp::args::{arguments, Role};
use unp::{err_quit, outln};

fn main() {
    const USAGE: &str = "usage: prifname <interface-index>";
    let args = arguments(USAGE, Role::Client);
    let [index] = args.as_slice() else {
        err_quit(USAGE)
    };
    let index: u32 = index.parse().unwrap_or_else(|_| err_quit(USAGE));
    let name = route::if_indextoname(index)
        .unwrap_or_else(|| err_quit(format!("if_indextoname error for {index}")));
    outln!("interface name = {name}");
}
