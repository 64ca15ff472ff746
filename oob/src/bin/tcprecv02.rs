//! tcprecv02: receive urgent data through `select`'s exception set, the
//! book's wrong version (Figure 24.6, `oob/tcprecv02.c`).
//!
//! Each round puts the socket in both the read and the exception set. An
//! exception means urgent data: `recv(MSG_OOB)` reads it. A readable socket
//! gets a `read`. In the book, the exception stays pending until the
//! reads pass the mark, so the next `select`
//! returns it again and the second `recv(MSG_OOB)` fails with
//! `recv error: Invalid argument` (EINVAL: the byte was already read);
//! tcprecv03 fixes that.
//!
//! On Linux the exception ends as soon as the urgent byte is read, so this
//! program never makes the second read and prints the same lines as
//! tcprecv03 (the `EINVAL` itself is shown by a test that reads the byte
//! twice): with tcpsend02, `read 3 bytes: 123`, `read 1 OOB byte: 4`,
//! `read 2 bytes: 56`, `read 1 OOB byte: 7`, `read 2 bytes: 89`,
//! `received EOF`.
//!
//! Run: `tcprecv02 9999 &` then `tcpsend02 127.0.0.1 9999`.
//!
//! Differs from the C: nothing but Linux's behaviour above.

use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use oob::{listen_args, recv_oob};
use unp::{wrap, OrDie};

fn main() {
    let listenfd = listen_args("usage: tcprecv02 [ <host> ] <port#>");
    let (connfd, _) = wrap::accept(&listenfd);

    let mut buff = [0u8; 100];
    loop {
        let mut rset = FdSet::new();
        let mut xset = FdSet::new();
        rset.insert(connfd.as_fd());
        xset.insert(connfd.as_fd());
        select(None, &mut rset, None, &mut xset, None).or_die("select error");

        if xset.contains(connfd.as_fd()) {
            let n = recv_oob(&connfd, &mut buff[..99]);
            unp::outln!("read {n} OOB byte: {}", String::from_utf8_lossy(&buff[..n]));
        }

        if rset.contains(connfd.as_fd()) {
            let n = wrap::read(&connfd, &mut buff[..99]);
            if n == 0 {
                unp::outln!("received EOF");
                std::process::exit(0);
            }
            unp::outln!("read {n} bytes: {}", String::from_utf8_lossy(&buff[..n]));
        }
    }
}
