//! `route/prifindex.c` (§18.6): an interface's index from its name.
//!
//! Run: `prifindex <interface-name>`: `prifindex lo` prints `interface
//! index = 1`.
//!
//! BSD: the book's `if_nametoindex` (`libroute`, Figure 18.18) scans the
//! `RTM_IFINFO` messages of a `sysctl(NET_RT_IFLIST)` for the name's
//! `sockaddr_dl`. Linux: glibc's
//! [`if_nametoindex(3)`](https://man7.org/linux/man-pages/man3/if_nametoindex.3.html)
//! asks the kernel with `ioctl(SIOCGIFINDEX)`.
//!
//! Differs from the C: the book's usage line names `prifname` (a slip of
//! the C); `err_quit` adds `(this is prifindex)`.

use unp::args::{arguments, Role};
use unp::{err_quit, outln};

fn main() {
    let args = arguments("usage: prifname <interface-name>", Role::Client);
    let [name] = args.as_slice() else {
        err_quit("usage: prifname <interface-name>")
    };
    let index = nix::net::if_::if_nametoindex(name.as_str())
        .unwrap_or_else(|_| err_quit(format!("if_nametoindex error for {name}")));
    outln!("interface index = {index}");
}
