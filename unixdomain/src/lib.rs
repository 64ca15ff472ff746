//! Chapter 15 (`unixdomain/`): Unix-domain protocols.
//!
//! A Unix-domain socket (`AF_LOCAL`, `AF_UNIX`) connects processes on one
//! host. It is named by a pathname in the filesystem instead of an address
//! and port; stream sockets behave like TCP and datagram sockets like UDP,
//! but reliably. Two things only this family can do are the chapter's
//! lessons: **passing an open descriptor** to another process (`mycat` and
//! `openfile`, over [`unp::unix::write_fd`] and [`unp::unix::read_fd`]),
//! and **receiving the sender's credentials**, which the kernel fills in so
//! that the sender cannot lie about them (`unixstrserv02`, `tfcred01`).
//!
//! | book | here |
//! |---|---|
//! | `myopen.c` (`my_open`, Figure 15.10) | [`my_open`] |
//! | `readcred.c` (`read_cred`, Figure 15.15) | [`read_cred`] |
//! | `strecho.c` (the `str_echo` that prints credentials, Figure 15.16) | [`str_echo`] |
//! | `UNIXSTR_PATH`, `UNIXDG_PATH` (`unp.h`) | [`UNIXSTR_PATH`], [`UNIXDG_PATH`] |
//!
//! ## Credentials on Linux
//!
//! The book receives FreeBSD's `SCM_CREDS` message, a `struct cmsgcred`
//! with the sender's PID, real and effective user ID, real group ID and
//! supplementary groups, which the kernel attaches when the sender sends an
//! empty `SCM_CREDS`. BSD/OS's `LOCAL_CREDS` option (`tfcred01`) gave a
//! `struct fcred`. Linux has neither: the **receiver** sets `SO_PASSCRED` on
//! its socket, and every message then carries an `SCM_CREDENTIALS` message,
//! a `struct ucred` of **PID, real user ID and real group ID**, filled in by
//! the kernel whether or not the sender sent one
//! ([`unix(7)`](https://man7.org/linux/man-pages/man7/unix.7.html)). A
//! sender may send its own `SCM_CREDENTIALS`, but the kernel refuses
//! (`EPERM`) any PID but its own and any ID but its real, effective or
//! saved one unless it has `CAP_SYS_ADMIN` or `CAP_SETUID`/`CAP_SETGID`:
//! credentials cannot be forged. So the programs print three values where
//! the book prints more: `PID of sender`, `real user ID`, `real group ID`.
//! (`SO_PEERCRED` gives the same for a connected peer, once, as it was at
//! `connect`.)
//!
//! ## The C's accidents, fixed
//!
//! - The servers `unlink` their pathname before `bind`, which lets a
//!   second server steal the name from a running one and removes any file
//!   of that name. Here [`unp::unix::unlink_stale`] removes only a socket
//!   nobody listens on.
//! - `strcpy` into the 108-byte `sun_path` overflows it with a long path
//!   (`unixbind`'s `strncpy` cuts it silently); here a path too long is an
//!   error, `<path>: pathname too long`.
//! - `unixdgcli01` binds a name from `tmpnam`, racy and warned against by
//!   the linker, and leaves the file behind; here the name is in a fresh
//!   private directory (`mkdtemp`), removed at exit.
//! - `my_open` runs `./openfile`, so `mycat` works only from the directory
//!   that holds `openfile`; here it runs the `openfile` next to its own
//!   executable. It also checks that a descriptor came back.
//!
//! ## Linux extra: abstract names
//!
//! A path written with a leading `@` (`unixstrserv01 @unix.str`,
//! `unixstrcli01 @unix.str`) is a Linux **abstract** name: the socket has
//! no file, so nothing is unlinked or left behind and filesystem
//! permissions do not apply.
//!
//! ## Paths
//!
//! The book's fixed pathnames (`/tmp/unix.str`, `/tmp/unix.dg`) are the
//! defaults; one optional trailing argument replaces them, as the port
//! argument replaces a fixed port elsewhere. A pathname argument must be
//! absolute, or an abstract `@name`: a relative one would name a different
//! socket in each directory a program is started from.

use std::ffi::CString;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::sys::socket::{
    recvmsg, socketpair, AddressFamily, ControlMessageOwned, MsgFlags, SockFlag, SockType,
    UnixCredentials,
};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{execv, ForkResult};
use unp::unix::read_fd;
use unp::{err_quit, err_sys, wrap, writen, OrDie, MAXLINE};

/// The book's stream pathname (`UNIXSTR_PATH` of `unp.h`).
pub const UNIXSTR_PATH: &str = "/tmp/unix.str";
/// The book's datagram pathname (`UNIXDG_PATH` of `unp.h`).
pub const UNIXDG_PATH: &str = "/tmp/unix.dg";

/// A socket's pathname argument: absolute (`/tmp/unix.str`) or an abstract
/// name (`@unix.str`). A relative pathname would name a different socket
/// in each directory a client or server is started from, so it prints
/// `usage` and exits 1, as an empty one does.
pub fn pathname(arg: &str, usage: &str) -> String {
    let abstract_name = arg.len() > 1 && arg.starts_with('@');
    match arg.starts_with('/') || abstract_name {
        true => arg.to_owned(),
        false => err_quit(usage),
    }
}

/// The command line of a program that uses a fixed pathname in the book:
/// no argument, or one, the [`pathname`] that replaces `default_path`. Any
/// other count prints `usage` and exits 1. `role` is the program's, for
/// `unp::args`' start-up (SIGPIPE).
pub fn path_arg(usage: &str, default_path: &str, role: unp::args::Role) -> String {
    match &unp::args::arguments(usage, role)[..] {
        [] => default_path.to_owned(),
        [path] => pathname(path, usage),
        _ => err_quit(usage),
    }
}

/// The book's `my_open` (`myopen.c`, Figure 15.10): open `pathname` with
/// `mode` (`O_RDONLY`...) in a child process, `openfile`, which passes the
/// descriptor back over a stream pipe. The child's exit status is 0 or the
/// `errno` of its failure, which this returns as the error.
///
/// Differs from the C: `openfile` is the one next to this program's own
/// executable, not `./openfile` in the current directory; a child that
/// exits 0 without passing a descriptor is an error, where the C returns an
/// uninitialised descriptor.
pub fn my_open(pathname: &str, mode: i32) -> io::Result<OwnedFd> {
    let (sock0, sock1) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::empty(),
    )
    .or_die("socketpair error");
    let openfile = openfile_path();
    let argv = [
        c"openfile".to_owned(),
        CString::new(sock1.as_raw_fd().to_string()).expect("digits"),
        CString::new(pathname).unwrap_or_else(|_| err_quit("pathname contains a NUL byte")),
        CString::new(mode.to_string()).expect("digits"),
    ];

    // SAFETY: the programs that call my_open are single-threaded.
    let childpid = match unsafe { wrap::fork() } {
        ForkResult::Child => {
            wrap::close(sock0);
            let err = execv(&openfile, &argv).unwrap_err();
            err_sys(&err.into(), "execl error");
        }
        ForkResult::Parent { child } => child,
    };

    // parent process: wait for the child to terminate
    wrap::close(sock1); // close the end we don't use

    let status = loop {
        match waitpid(childpid, None) {
            Err(Errno::EINTR) => continue,
            other => break other.or_die("waitpid error"),
        }
    };
    let result = match status {
        WaitStatus::Exited(_, 0) => {
            let mut c = [0u8; 1];
            match read_fd(&sock0, &mut c).or_die("read_fd error") {
                (_, Some(fd)) => Ok(fd),
                (_, None) => Err(io::Error::other("no descriptor passed")),
            }
        }
        // errno value from the child's status
        WaitStatus::Exited(_, status) => Err(io::Error::from_raw_os_error(status)),
        _ => err_quit("child did not terminate"),
    };
    wrap::close(sock0);
    result
}

/// `openfile`, in the directory of the running executable.
fn openfile_path() -> CString {
    let exe = std::env::current_exe().or_die("current_exe error");
    let path = exe.with_file_name("openfile");
    CString::new(path.as_os_str().as_bytes()).expect("a path has no NUL byte")
}

/// The sender's credentials as Linux gives them (`struct ucred`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

impl From<UnixCredentials> for Cred {
    fn from(cred: UnixCredentials) -> Cred {
        Cred {
            pid: cred.pid(),
            uid: cred.uid(),
            gid: cred.gid(),
        }
    }
}

/// The book's `read_cred` (`readcred.c`, Figure 15.15), for Linux:
/// [`recvmsg(2)`](https://man7.org/linux/man-pages/man2/recvmsg.2.html)
/// into `buf`, with room for one `SCM_CREDENTIALS` message. Returns the
/// byte count and the credentials, `None` when none came (the socket lacks
/// `SO_PASSCRED`). Any other ancillary data dies with
/// `control type != SCM_CREDENTIALS`, as the C dies on anything but
/// `SCM_CREDS`. A single call: `EINTR` is returned.
pub fn read_cred(fd: impl AsFd, buf: &mut [u8]) -> io::Result<(usize, Option<Cred>)> {
    let mut control = nix::cmsg_space!(libc::ucred);
    let mut iov = [io::IoSliceMut::new(buf)];
    let msg = recvmsg::<()>(
        fd.as_fd().as_raw_fd(),
        &mut iov,
        Some(&mut control),
        MsgFlags::MSG_CMSG_CLOEXEC,
    )?;
    let mut cred = None;
    for cmsg in msg.cmsgs()? {
        match cmsg {
            ControlMessageOwned::ScmCredentials(ucred) => cred = Some(ucred.into()),
            _ => err_quit("control type != SCM_CREDENTIALS"),
        }
    }
    Ok((msg.bytes, cred))
}

/// The credentials as the book's programs print them, one per line, or
/// `(no credentials returned)`. A failed stdout is ignored, as the C's
/// `printf` is: the server goes on echoing.
pub fn print_cred(cred: Option<Cred>) {
    let text = match cred {
        None => "(no credentials returned)\n".to_owned(),
        Some(c) => format!(
            "PID of sender = {}\nreal user ID = {}\nreal group ID = {}\n",
            c.pid, c.uid, c.gid
        ),
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// The chapter's `str_echo` (`strecho.c`, Figure 15.16): the echo loop of
/// Figure 5.3, each read made with [`read_cred`] and followed by the
/// sender's credentials on stdout. Linux's `struct ucred` has no effective
/// user ID or group list, so those two lines of the book are not printed.
pub fn str_echo(sockfd: impl AsFd) {
    let mut buf = [0u8; MAXLINE];
    loop {
        match read_cred(&sockfd, &mut buf) {
            Ok((0, _)) => return,
            Ok((n, cred)) => {
                print_cred(cred);
                writen(&sockfd, &buf[..n]).or_die("writen error");
            }
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            Err(err) => err_sys(&err, "str_echo: read error"),
        }
    }
}
