//! tcprecv03: receive urgent data through `select`'s exception set, done
//! right (Figure 24.8, `oob/tcprecv03.c`).
//!
//! After reading the urgent byte, it leaves the socket out of the exception
//! set (`justreadoob`) until a normal read has followed, so a pending
//! exception cannot make it read the byte twice (tcprecv02's `EINVAL`).
//! With tcpsend03: `read 3 bytes: 123`, `read 1 OOB byte: 4`,
//! `read 2 bytes: 56`, `read 1 OOB byte: 7`, `read 2 bytes: 89`,
//! `received EOF`.
//!
//! Run: `tcprecv03 9999 &` then `tcpsend03 127.0.0.1 9999`.
//!
//! Differs from the C: nothing.

use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use oob::{listen_args, recv_oob};
use unp::{wrap, OrDie};

fn main() {
    let listenfd = listen_args("usage: tcprecv03 [ <host> ] <port#>");
    let (connfd, _) = wrap::accept(&listenfd);

    let mut buff = [0u8; 100];
    let mut justreadoob = false;
    loop {
        let mut rset = FdSet::new();
        let mut xset = FdSet::new();
        rset.insert(connfd.as_fd());
        if !justreadoob {
            xset.insert(connfd.as_fd());
        }
        select(None, &mut rset, None, &mut xset, None).or_die("select error");

        if xset.contains(connfd.as_fd()) {
            let n = recv_oob(&connfd, &mut buff[..99]);
            unp::outln!("read {n} OOB byte: {}", String::from_utf8_lossy(&buff[..n]));
            justreadoob = true;
        }

        if rset.contains(connfd.as_fd()) {
            let n = wrap::read(&connfd, &mut buff[..99]);
            if n == 0 {
                unp::outln!("received EOF");
                std::process::exit(0);
            }
            unp::outln!("read {n} bytes: {}", String::from_utf8_lossy(&buff[..n]));
            justreadoob = false;
        }
    }
}
