//! tfcred01 (`unixdomain/tfcred01.c`, §15.8): credentials over a
//! `socketpair`. It sets the credentials option on the **receiving** end,
//! writes `hello, world\n` on the other, and receives the data with the
//! credentials the kernel attached: its own.
//!
//! Run: `tfcred01` prints `data: hello, world`, then `PID of sender = P`,
//! `real user ID = U`, `real group ID = G`. As root,
//! `setpriv --reuid=65534 --regid=65534 --clear-groups tfcred01` shows
//! 65534 twice.
//!
//! Differs from the C, which needs BSD/OS's `LOCAL_CREDS` option and
//! `struct fcred` and builds nowhere else: Linux's `SO_PASSCRED` and
//! `SCM_CREDENTIALS` (see the crate's doc), received by the chapter's
//! `read_cred` (the C has its own copy, `recv_cred`). Linux's `struct ucred`
//! has the PID, which `fcred` lacked, and no login name, effective IDs or
//! groups, so those lines are not printed.

use std::io::Write;
use std::os::unix::net::UnixStream;

use socket2::SockRef;
use unixdomain::{print_cred, read_cred};
use unp::args::{arguments, Role};
use unp::{err_quit, err_sys, wrap, OrDie};

fn main() {
    if !arguments("usage: tfcred01", Role::Client).is_empty() {
        err_quit("usage: tfcred01");
    }
    let (fd0, fd1) = UnixStream::pair().or_die("socketpair error");

    // must set the socket option on the *receiving* socket
    SockRef::from(&fd1)
        .set_passcred(true)
        .or_die("setsockopt error");

    wrap::write(&fd0, b"hello, world\n");

    let mut buf = [0u8; 100];
    let (n, cred) = match read_cred(&fd1, &mut buf) {
        Err(err) => err_sys(&err, "recv_cred error"),
        Ok((0, _)) => err_quit("recv_cred, unexpected EOF"),
        Ok(got) => got,
    };
    let mut stdout = std::io::stdout();
    stdout.write_all(b"data: ").or_die("write error");
    stdout.write_all(&buf[..n]).or_die("write error");
    print_cred(cred);
}
