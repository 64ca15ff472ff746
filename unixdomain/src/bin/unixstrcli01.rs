//! unixstrcli01 (Figure 15.4, `unixdomain/unixstrcli01.c`): the echo
//! client of Figure 5.4 over a Unix-domain stream socket: connect to the
//! server's pathname, then `str_cli`.
//!
//! Run: `unixstrcli01` against `unixstrserv01` on the book's
//! `/tmp/unix.str`, or `unixstrcli01 /tmp/my.sock`; `@name` for an
//! abstract name. Type lines; each comes back; Ctrl-D ends.
//!
//! Differs from the C: the optional pathname argument, and a path too long for
//! `sun_path` is an error instead of an overflow; a line holding a NUL byte is
//! sent and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use socket2::{Domain, Type};
use unixdomain::{path_arg, UNIXSTR_PATH};
use unp::args::Role;
use unp::unix::sockaddr_un;
use unp::{str_cli, wrap};

fn main() {
    let path = path_arg("usage: unixstrcli01 [pathname]", UNIXSTR_PATH, Role::Client);
    let sockfd = wrap::socket(Domain::UNIX, Type::STREAM);

    let servaddr = sockaddr_un(&path);
    wrap::connect(&sockfd, &servaddr);

    str_cli(&mut std::io::stdin().lock(), &sockfd); // do it all
}
