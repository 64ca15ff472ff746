//! tcpsend05: urgent data sent while the receiver's window is closed
//! (Figure 24.11, `oob/tcpsend05.c`).
//!
//! Sets a 32768-byte send buffer, writes 16384 bytes, which fill the
//! receiver's small window (tcprecv05 never reads), sleeps 5 seconds,
//! sends one urgent byte `a`, writes 1024 more bytes and exits. The
//! urgent byte cannot reach the receiver, but the urgent pointer does, with
//! the next window probe, and tcprecv05 gets `SIGURG`.
//!
//! Run: `tcprecv05 9999 &` then `tcpsend05 127.0.0.1 9999`.
//!
//! Differs from the C: the buffers are zeros (the C sends an uninitialised
//! stack array); the kernel doubles the send buffer to 65536.

use std::thread::sleep;
use std::time::Duration;

use unp::args::{arguments, Role};
use unp::{err_quit, tcp_connect, wrap, OrDie};

fn main() {
    let usage = "usage: tcpsend05 <host> <port#>";
    let args = arguments(usage, Role::Client);
    let [host, port] = args.as_slice() else {
        err_quit(usage);
    };
    let sockfd = tcp_connect(host, port);

    let buff = [0u8; 16384];
    sockfd
        .set_send_buffer_size(32768)
        .or_die("setsockopt error");
    wrap::write(&sockfd, &buff);
    unp::outln!("wrote 16384 bytes of normal data");
    sleep(Duration::from_secs(5));

    sockfd.send_out_of_band(b"a").or_die("send error");
    unp::outln!("wrote 1 byte of OOB data");

    wrap::write(&sockfd, &buff[..1024]);
    unp::outln!("wrote 1024 bytes of normal data");

    std::process::exit(0);
}
