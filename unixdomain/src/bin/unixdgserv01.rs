//! unixdgserv01 (Figure 15.5, `unixdomain/unixdgserv01.c`): the UDP echo
//! server of Figure 8.3 over a Unix-domain datagram socket bound to a
//! pathname, running `dg_echo`.
//!
//! Run: `unixdgserv01 &` (the book's `/tmp/unix.dg`), then `unixdgcli01`;
//! or `unixdgserv01 /tmp/my.dg &` and `unixdgcli01 /tmp/my.dg`.
//!
//! Differs from the C: the optional pathname argument; the old pathname is
//! removed only if it is a socket nobody is bound to any more
//! (`unp::unix::unlink_stale`).

use socket2::{Domain, Type};
use unixdomain::{path_arg, UNIXDG_PATH};
use unp::args::Role;
use unp::udp::dg_echo;
use unp::unix::{sockaddr_un, unlink_stale};
use unp::wrap;

fn main() {
    let path = path_arg("usage: unixdgserv01 [pathname]", UNIXDG_PATH, Role::Server);
    let sockfd = wrap::socket(Domain::UNIX, Type::DGRAM);

    unlink_stale(&path, Type::DGRAM);
    let servaddr = sockaddr_un(&path);
    wrap::bind(&sockfd, &servaddr);

    dg_echo(&sockfd);
}
