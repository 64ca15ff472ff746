//! tcprecv01: receive urgent data with a `SIGURG` handler (Figure 24.4,
//! `oob/tcprecv01.c`).
//!
//! After `accept`, it installs a `SIGURG` handler and makes itself the
//! socket's owner (`fcntl(F_SETOWN, getpid())`): without an owner the
//! kernel sends the signal to nobody. The main loop reads normal data; the
//! handler reads the urgent byte with `recv(MSG_OOB)`. With tcpsend01 it
//! prints, as in the book: `read 3 bytes: 123`, `SIGURG received`,
//! `read 1 OOB byte: 4`, `read 2 bytes: 56`, `SIGURG received`,
//! `read 1 OOB byte: 7`, `read 2 bytes: 89`, `received EOF`.
//!
//! Run: `tcprecv01 9999 &` then `tcpsend01 127.0.0.1 9999`.
//!
//! Differs from the C: the handler prints with `write(2)`, not the
//! async-signal-unsafe `printf`, and a `recv` failure there prints
//! `recv error: ...` and `_exit`s; the connected socket reaches it in an
//! atomic.

use std::sync::atomic::{AtomicI32, Ordering};

use std::os::fd::AsRawFd;

use nix::sys::signal::{SigHandler, Signal};
use oob::{listen_args, recv_oob_in_handler, set_owner};
use unp::signal::{decimal, signal, write_in_handler};
use unp::wrap;

/// The connected socket, for the handler (the C's global `connfd`).
static CONNFD: AtomicI32 = AtomicI32::new(-1);

fn main() {
    let listenfd = listen_args("usage: tcprecv01 [ <host> ] <port#>");
    let (connfd, _) = wrap::accept(&listenfd);
    CONNFD.store(connfd.as_raw_fd(), Ordering::SeqCst);

    signal(Signal::SIGURG, SigHandler::Handler(sig_urg));
    set_owner(&connfd);

    let mut buff = [0u8; 100];
    loop {
        let n = wrap::read(&connfd, &mut buff[..99]);
        if n == 0 {
            unp::outln!("received EOF");
            std::process::exit(0);
        }
        unp::outln!("read {n} bytes: {}", String::from_utf8_lossy(&buff[..n]));
    }
}

extern "C" fn sig_urg(_signo: libc::c_int) {
    let mut buff = [0u8; 100];
    write_in_handler(libc::STDOUT_FILENO, &[b"SIGURG received\n"]);
    let n = recv_oob_in_handler(CONNFD.load(Ordering::SeqCst), &mut buff[..99]);
    let mut digits = [0; 20];
    write_in_handler(
        libc::STDOUT_FILENO,
        &[
            b"read ",
            decimal(n as i64, &mut digits),
            b" OOB byte: ",
            &buff[..n],
            b"\n",
        ],
    );
}
