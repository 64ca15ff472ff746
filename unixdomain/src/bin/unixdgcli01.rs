//! unixdgcli01 (Figure 15.6, `unixdomain/unixdgcli01.c`): the UDP echo
//! client of Figure 8.7 over a Unix-domain datagram socket.
//!
//! Unlike a UDP client, it must `bind` a name of its own first: an unbound
//! Unix datagram socket has no address, and the server's reply would have
//! nowhere to go.
//!
//! Run: `unixdgcli01` against `unixdgserv01` on the book's `/tmp/unix.dg`,
//! or `unixdgcli01 /tmp/my.dg`. Type lines; each comes back; Ctrl-D ends.
//!
//! Differs from the C: its own name is `client.sock` in a new private
//! directory made by `mkdtemp(3)` under `$TMPDIR` (or `/tmp`), removed at
//! exit, error exits included (`sendto error: No such file or directory`
//! with no server); the C takes a name from `tmpnam`, which another process
//! can take between the call and the `bind`, and leaves the file behind.
//! The optional pathname argument.

use std::path::PathBuf;
use std::sync::OnceLock;

use socket2::{Domain, Type};
use unixdomain::{path_arg, UNIXDG_PATH};
use unp::args::Role;
use unp::udp::dg_cli;
use unp::unix::sockaddr_un;
use unp::{err_quit, wrap, OrDie};

/// The private directory of the client's own name, removed at exit.
static OUR_DIR: OnceLock<PathBuf> = OnceLock::new();

fn main() {
    let path = path_arg("usage: unixdgcli01 [pathname]", UNIXDG_PATH, Role::Client);
    let sockfd = wrap::socket(Domain::UNIX, Type::DGRAM);

    // bind an address for us
    let dir = nix::unistd::mkdtemp(&std::env::temp_dir().join("unixdgcli01.XXXXXX"))
        .or_die("mkdtemp error");
    let dir = OUR_DIR.get_or_init(|| dir);
    // SAFETY: remove_our_name is an extern "C" fn with no arguments, as
    // atexit(3) wants; it runs at exit, error exits included.
    unsafe { libc::atexit(remove_our_name) };
    let ours = dir.join("client.sock");
    let cliaddr = sockaddr_un(
        ours.to_str()
            .unwrap_or_else(|| err_quit("TMPDIR is not UTF-8")),
    );
    wrap::bind(&sockfd, &cliaddr);

    let servaddr = sockaddr_un(&path); // fill in server's address

    dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);
}

/// Remove the client's name and its directory: the C leaves its `tmpnam`
/// file behind.
extern "C" fn remove_our_name() {
    if let Some(dir) = OUR_DIR.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
