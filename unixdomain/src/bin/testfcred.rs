//! testfcred (`unixdomain/testfcred.c`, not in the book's text and with no
//! Makefile target): the sizes of the credentials structure and of a
//! control message header, for sizing the control buffer of `read_cred`.
//!
//! Run: `testfcred` prints `sizeof(struct ucred) = 12` and
//! `sizeof(struct cmsghdr) = 16` on 64-bit Linux.
//!
//! Differs from the C, which needs BSD/OS's `struct fcred`
//! (`<sys/ucred.h>`) and builds nowhere else: Linux's structure is
//! `struct ucred` (PID, user ID, group ID), so that is the one measured.

use std::mem::size_of;

fn main() {
    if !unp::args::arguments("usage: testfcred", unp::args::Role::Client).is_empty() {
        unp::err_quit("usage: testfcred");
    }
    unp::outln!("sizeof(struct ucred) = {}", size_of::<libc::ucred>());
    unp::outln!("sizeof(struct cmsghdr) = {}", size_of::<libc::cmsghdr>());
}
