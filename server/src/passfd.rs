//! `write_fd` and `read_fd` (`lib/write_fd.c`, `lib/read_fd.c`,
//! §15.7): pass an open descriptor to another process over a
//! Unix-domain socket, as `SCM_RIGHTS` ancillary data next to at least one
//! byte of ordinary data. serv05's parent hands each connection to a child
//! this way.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

use nix::sys::socket::{recvmsg, sendmsg, ControlMessage, ControlMessageOwned, MsgFlags};
use unp::err_quit;

/// Send `data` and a copy of `fd` over the Unix-domain socket `sock`
/// ([`sendmsg(2)`](https://man7.org/linux/man-pages/man2/sendmsg.2.html)
/// with one `SCM_RIGHTS` message). The copy stays open in flight even after
/// the sender closes its own.
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
/// ([`recvmsg(2)`](https://man7.org/linux/man-pages/man2/recvmsg.2.html)).
/// Returns the byte count (0 at end of file) and the new descriptor, which
/// the receiver owns. Dies with `control type != SCM_RIGHTS` on any other
/// ancillary data, as the C does.
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
    use std::os::unix::net::UnixStream;

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
}
