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
//! exit, where the C takes a name from `tmpnam` (another process can take
//! it between the call and the `bind`) and leaves the file behind; the
//! optional pathname argument.

use std::path::PathBuf;

use socket2::{Domain, Type};
use unixdomain::{path_arg, UNIXDG_PATH};
use unp::udp::dg_cli;
use unp::unix::sockaddr_un;
use unp::{err_quit, wrap, OrDie};

fn main() {
    let path = path_arg("usage: unixdgcli01 [pathname]", UNIXDG_PATH);
    let sockfd = wrap::socket(Domain::UNIX, Type::DGRAM);

    // bind an address for us
    let dir = nix::unistd::mkdtemp(&std::env::temp_dir().join("unixdgcli01.XXXXXX"))
        .or_die("mkdtemp error");
    let ours: PathBuf = dir.join("client.sock");
    let cliaddr = sockaddr_un(
        ours.to_str()
            .unwrap_or_else(|| err_quit("TMPDIR is not UTF-8")),
    );
    wrap::bind(&sockfd, &cliaddr);

    let servaddr = sockaddr_un(&path); // fill in server's address

    dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);

    let _ = std::fs::remove_file(&ours);
    let _ = std::fs::remove_dir(&dir);
}
