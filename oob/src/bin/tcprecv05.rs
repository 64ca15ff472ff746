//! tcprecv05: wait for `SIGURG` with a receive window that stays closed
//! (Figure 24.12, `oob/tcprecv05.c`).
//!
//! Sets a 4096-byte receive buffer on the listening socket, accepts, makes
//! itself the owner for `SIGURG`, and then only waits (`pause`), never
//! reading, so tcpsend05's data fills the window and it stays closed. In
//! the book, the sender's urgent pointer still arrives: `SIGURG received`,
//! then `recv(MSG_OOB)` fails with `recv error: Resource temporarily
//! unavailable` (`EWOULDBLOCK`: the byte itself is still behind the window),
//! and the program exits 1.
//!
//! Linux does the same, a little later: its ordinary window probes carry
//! an old sequence number and no urgent pointer, but once urgent data is
//! queued, the next probe (`tcp_write_wakeup`) is sent with the current
//! sequence number and the `URG` flag, the receiver accepts it, and the
//! signal comes. The probes back off exponentially (0.2 s, 0.4 s, ... from
//! the first write), so with tcpsend05's 5-second pause the signal comes
//! about 1 s after the urgent send, later on a slower probe schedule. (An
//! earlier note in this project said Linux prints nothing here: it had not
//! waited for that probe; the test waits for it.)
//!
//! Run: `tcprecv05 9999 &` then `tcpsend05 127.0.0.1 9999`.
//!
//! Differs from the C: the handler prints with `write(2)`; the kernel
//! doubles the receive buffer to 8192.

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{SigHandler, Signal};
use oob::{listen_args, recv_oob_in_handler, set_owner};
use unp::signal::{decimal, signal, write_in_handler};
use unp::{wrap, OrDie};

/// The connected socket, for the handler (the C's global `connfd`).
static CONNFD: AtomicI32 = AtomicI32::new(-1);

fn main() {
    let listenfd = listen_args("usage: tcprecv05 [ <host> ] <port#>");
    listenfd
        .set_recv_buffer_size(4096)
        .or_die("setsockopt error");
    let (connfd, _) = wrap::accept(&listenfd);
    CONNFD.store(connfd.as_raw_fd(), Ordering::SeqCst);

    signal(Signal::SIGURG, SigHandler::Handler(sig_urg));
    set_owner(&connfd);

    loop {
        nix::unistd::pause();
    }
}

extern "C" fn sig_urg(_signo: libc::c_int) {
    let mut buff = [0u8; 2048];
    write_in_handler(libc::STDOUT_FILENO, &[b"SIGURG received\n"]);
    let n = recv_oob_in_handler(CONNFD.load(Ordering::SeqCst), &mut buff[..2047]);
    let mut digits = [0; 20];
    write_in_handler(
        libc::STDOUT_FILENO,
        &[b"read ", decimal(n as i64, &mut digits), b" OOB byte\n"],
    );
}
