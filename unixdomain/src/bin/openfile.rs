//! openfile (Figure 15.12, `unixdomain/openfile.c`): `mycat`'s helper.
//! Opens `<filename>` with the `open(2)` flags `<mode>` (a number) and
//! passes the descriptor over the socket `<sockfd#>` it inherited, with
//! `write_fd` and one byte of data. On failure its exit status is the
//! `errno` (255 if that is 0), which `my_open` hands on to `mycat`.
//!
//! Run: not by hand: `mycat` runs it (`openfile 4 /etc/hostname 0`).
//!
//! Differs from the C: `<sockfd#>` and `<mode>` must be numbers (the C's
//! `atoi` takes garbage as 0, stdin), and a `<sockfd#>` that is not an open
//! descriptor exits with `EBADF`; a file created with `O_CREAT` gets mode
//! 0666 minus the umask, where the C passes no mode at all.

use std::os::fd::{BorrowedFd, RawFd};

use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use unp::err_quit;
use unp::unix::write_fd;

const USAGE: &str = "openfile <sockfd#> <filename> <mode>";

fn main() {
    let args = unp::args::arguments(USAGE, unp::args::Role::Client);
    let [sockfd, filename, mode] = &args[..] else {
        err_quit(USAGE);
    };
    let sockfd: RawFd = sockfd.parse().unwrap_or_else(|_| err_quit(USAGE));
    let mode: i32 = mode.parse().unwrap_or_else(|_| err_quit(USAGE));

    let fd = open(
        filename.as_str(),
        OFlag::from_bits_retain(mode),
        Mode::from_bits_truncate(0o666),
    )
    .unwrap_or_else(|err| exit_with(err));

    // SAFETY: F_GETFD only looks the number up in the descriptor table.
    if unsafe { libc::fcntl(sockfd, libc::F_GETFD) } == -1 {
        exit_with(Errno::last());
    }
    // SAFETY: F_GETFD has just shown `sockfd` open, and nothing in this
    // process closes it before the program exits.
    let sock = unsafe { BorrowedFd::borrow_raw(sockfd) };
    if let Err(err) = write_fd(sock, b"\0", &fd) {
        exit_with(
            err.raw_os_error()
                .map_or(Errno::UnknownErrno, Errno::from_raw),
        );
    }
}

/// The C's `exit((errno > 0) ? errno : 255)`.
fn exit_with(err: Errno) -> ! {
    std::process::exit(match err as i32 {
        code @ 1..=255 => code,
        _ => 255,
    })
}
