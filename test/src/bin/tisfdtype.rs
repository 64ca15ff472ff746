//! tisfdtype (`test/tisfdtype.c`): `isfdtype(fd, S_IFSOCK)` for stdin,
//! stdout, stderr, a TCP socket and a UDP socket: 1 for a socket, 0 for
//! anything else, -1 for a descriptor that is not open. From a terminal:
//! `stdin: 0`, `stdout: 0`, `stderr: 0`, `TCP socket: 1`, `UDP socket: 1`.
//!
//! Run: `tisfdtype`; in bash, `tisfdtype 0<>/dev/tcp/127.0.0.1/9877`
//! against `tcpserv01` gives `stdin: 1` (stdin is a TCP socket).
//!
//! Differs from the C: `isfdtype` is what glibc builds it from,
//! [`fstat(2)`](https://man7.org/linux/man-pages/man2/fstat.2.html) and
//! the `S_IFMT` bits of `st_mode`, through nix's safe `fstat`; an argument
//! is refused (`usage: tisfdtype`).

use std::os::fd::{AsFd, BorrowedFd};

use nix::sys::stat::{fstat, SFlag};
use socket2::{Domain, Type};
use unp::{err_quit, wrap};

/// `isfdtype(fd, S_IFSOCK)`: 1, 0, or -1 when `fstat` fails.
fn isfdtype_sock(fd: BorrowedFd<'_>) -> i32 {
    match fstat(fd) {
        Ok(st) => i32::from(st.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFSOCK.bits()),
        Err(_) => -1,
    }
}

fn main() {
    let args = unp::args::arguments("usage: tisfdtype", unp::args::Role::Client);
    if !args.is_empty() {
        err_quit("usage: tisfdtype");
    }
    let stdin = std::io::stdin();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    unp::outln!("stdin: {}", isfdtype_sock(stdin.as_fd()));
    unp::outln!("stdout: {}", isfdtype_sock(stdout.as_fd()));
    unp::outln!("stderr: {}", isfdtype_sock(stderr.as_fd()));

    let tcpsock = wrap::socket(Domain::IPV4, Type::STREAM);
    unp::outln!("TCP socket: {}", isfdtype_sock(tcpsock.as_fd()));

    let udpsock = wrap::socket(Domain::IPV4, Type::DGRAM);
    unp::outln!("UDP socket: {}", isfdtype_sock(udpsock.as_fd()));
}
