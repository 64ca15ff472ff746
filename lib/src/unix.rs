//! Unix-domain sockets (`<sys/un.h>`, chapter 15): the address of a
//! pathname, the `unlink` the book's servers make before `bind`, and
//! `write_fd`/`read_fd` (`lib/write_fd.c`, `lib/read_fd.c`, Figures 15.13
//! and 15.11), which pass an open descriptor to another process.
//!
//! Linux also has **abstract** names: a `sun_path` that starts with a NUL
//! byte names a socket with no file behind it, so there is nothing to
//! `unlink` and nothing left behind when the server ends. Every program of
//! the chapter accepts one, written with a leading `@` as `ss(8)` prints it:
//! `unixstrserv01 @unix.str`.

use std::ffi::OsStr;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use nix::sys::socket::{recvmsg, sendmsg, ControlMessage, ControlMessageOwned, MsgFlags};
use socket2::{Domain, SockAddr, Socket, Type};

use crate::error::{err_quit, err_sys};

/// The `sockaddr_un` of `path`, as the book fills one in with `strcpy`: a
/// pathname, or an abstract name for a `path` that starts with `@`. A
/// path too long for `sun_path` (108 bytes, the NUL included) dies with
/// `<path>: pathname too long`, where the C's `strcpy` writes past the
/// structure (and `strncpy` in `unixbind` cuts it silently).
pub fn sockaddr_un(path: &str) -> SockAddr {
    let bytes = match path.strip_prefix('@') {
        Some(name) => [&[0u8][..], name.as_bytes()].concat(),
        None => path.as_bytes().to_vec(),
    };
    SockAddr::unix(OsStr::from_bytes(&bytes))
        .unwrap_or_else(|_| err_quit(format!("{path}: pathname too long")))
}

/// A Unix-domain address as text: the pathname, `@name` for an abstract
/// name, or `(no pathname bound)` for an unbound socket (the book's
/// `sock_ntop`, with Linux's abstract names).
pub fn sun_path(addr: &SockAddr) -> String {
    match (addr.as_pathname(), addr.as_abstract_namespace()) {
        (Some(path), _) => path.display().to_string(),
        (_, Some(name)) => format!("@{}", String::from_utf8_lossy(name)),
        _ => "(no pathname bound)".to_owned(),
    }
}

/// The book's `unlink(path)` before `bind`, without its two accidents.
/// The C removes whatever is at the path, so a second server started by
/// mistake silently takes the name from a running one, and a typo removes
/// a regular file. This removes `path` only when it is a socket that
/// nobody listens on any more (a `connect(2)` of type `ty` is refused); a
/// live server's socket or any other file stays, and the `bind` that
/// follows fails with `bind error: Address already in use`. (The probe is
/// a real connection, closed at once: a live stream server sees one client
/// that sends nothing.) Abstract names (`@...`) have no file: nothing to
/// do.
pub fn unlink_stale(path: &str, ty: Type) {
    if path.starts_with('@') {
        return;
    }
    let is_socket = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
    if !is_socket {
        return;
    }
    let probe = Socket::new(Domain::UNIX, ty, None).unwrap_or_else(|e| err_sys(&e, "socket error"));
    let refused = probe
        .connect(&sockaddr_un(path))
        .is_err_and(|e| e.raw_os_error() == Some(libc::ECONNREFUSED));
    if refused {
        let _ = std::fs::remove_file(Path::new(path)); // OK if this fails
    }
}

/// Send `data` and a copy of `fd` over the Unix-domain socket `sock`
/// ([`sendmsg(2)`](https://man7.org/linux/man-pages/man2/sendmsg.2.html)
/// with one `SCM_RIGHTS` message), the book's `write_fd`. `data` must hold
/// at least one byte: a stream socket sends no ancillary data alone. The
/// copy stays open in flight even after the sender closes its own.
pub fn write_fd(sock: impl AsFd, data: &[u8], fd: impl AsFd) -> io::Result<usize> {
    let fds = [fd.as_fd().as_raw_fd()];
    let n = sendmsg::<()>(
        sock.as_fd().as_raw_fd(),
        &[IoSlice::new(data)],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::empty(),
        None,
    )?;
    Ok(n)
}

/// Read into `data` from `sock`, and the descriptor sent with it, if any
/// ([`recvmsg(2)`](https://man7.org/linux/man-pages/man2/recvmsg.2.html)),
/// the book's `read_fd`. Returns the byte count (0 at end of file) and the
/// new descriptor, which the receiver owns, close-on-exec. Dies with
/// `control type != SCM_RIGHTS` on any other ancillary data, as the C does.
pub fn read_fd(sock: impl AsFd, data: &mut [u8]) -> io::Result<(usize, Option<OwnedFd>)> {
    let mut space = nix::cmsg_space!([std::os::fd::RawFd; 1]);
    let mut iov = [IoSliceMut::new(data)];
    let msg = recvmsg::<()>(
        sock.as_fd().as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_CMSG_CLOEXEC,
    )?;
    let mut received = None;
    for cmsg in msg.cmsgs()? {
        match cmsg {
            ControlMessageOwned::ScmRights(fds) => {
                for fd in fds {
                    // SAFETY: the kernel has just installed `fd` in this
                    // process for this message; nothing else owns it.
                    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
                    received.get_or_insert(owned);
                }
            }
            _ => err_quit("control type != SCM_RIGHTS"),
        }
    }
    Ok((msg.bytes, received))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::{UnixListener, UnixStream};

    #[test]
    fn a_descriptor_crosses_a_socketpair() {
        let (parent, child) = UnixStream::pair().unwrap();
        let (mut ours, theirs) = UnixStream::pair().unwrap();
        assert_eq!(write_fd(&parent, b"x", &theirs).unwrap(), 1);
        drop(theirs);
        let mut byte = [0u8; 1];
        let (n, fd) = read_fd(&child, &mut byte).unwrap();
        assert_eq!((n, &byte), (1, b"x"));
        let mut passed = UnixStream::from(fd.expect("a descriptor"));
        passed.write_all(b"hello").unwrap();
        let mut got = [0u8; 5];
        ours.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello");
        drop(parent);
        assert_eq!(read_fd(&child, &mut byte).unwrap().0, 0);
    }

    #[test]
    fn addresses_are_pathnames_or_abstract_names() {
        assert_eq!(sun_path(&sockaddr_un("/tmp/unix.str")), "/tmp/unix.str");
        let abstract_name = sockaddr_un("@unix.str");
        assert_eq!(
            abstract_name.as_abstract_namespace(),
            Some(&b"unix.str"[..])
        );
        assert_eq!(sun_path(&abstract_name), "@unix.str");
    }

    #[test]
    fn only_a_dead_servers_socket_is_unlinked() {
        let dir = std::env::temp_dir().join(format!("unp-unlink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (live, dead, file) = (dir.join("live"), dir.join("dead"), dir.join("file"));
        let _listener = UnixListener::bind(&live).unwrap();
        drop(UnixListener::bind(&dead).unwrap());
        std::fs::write(&file, "data").unwrap();
        for path in [&live, &dead, &file] {
            unlink_stale(path.to_str().unwrap(), Type::STREAM);
        }
        assert!(live.exists() && file.exists() && !dead.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
