//! unixbind (Figure 15.2, `unixdomain/unixbind.c`): bind a Unix-domain
//! socket to a pathname and print the name and length `getsockname`
//! returns.
//!
//! The pathname must not exist for `bind` to succeed, so the program
//! removes it first; the socket file stays after the program ends. The
//! length is `offsetof(sun_path)` (2) plus the path and its NUL: Linux
//! counts the NUL, whatever length `bind` was given.
//!
//! Run: `unixbind /tmp/foo.sock` prints
//! `bound name = /tmp/foo.sock, returned len = 16`; the Linux extra
//! `unixbind @foo` binds an abstract name (no file, no NUL:
//! `bound name = @foo, returned len = 6`).
//!
//! Differs from the C: the existing pathname is removed only if it is a
//! socket nobody listens on (`unp::unix::unlink_stale`), not any file; a
//! path too long for `sun_path` is an error, where `strncpy` cuts it; the
//! pathname must be absolute (or `@name`), as everywhere in this chapter.

use socket2::{Domain, Type};
use unixdomain::pathname;
use unp::unix::{sockaddr_un, sun_path, unlink_stale};
use unp::{err_quit, wrap};

fn main() {
    let usage = "usage: unixbind <pathname>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [path] = &args[..] else {
        err_quit(usage);
    };
    let path = &pathname(path, "usage: unixbind <pathname>");
    let sockfd = wrap::socket(Domain::UNIX, Type::STREAM);

    unlink_stale(path, Type::STREAM); // OK if this fails

    let addr1 = sockaddr_un(path);
    wrap::bind(&sockfd, &addr1);

    let addr2 = wrap::getsockname(&sockfd);
    unp::outln!(
        "bound name = {}, returned len = {}",
        sun_path(&addr2),
        addr2.len()
    );
}
