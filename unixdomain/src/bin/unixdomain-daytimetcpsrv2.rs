//! unixdomain-daytimetcpsrv2 (`unixdomain/daytimetcpsrv2.c`, an exercise
//! of chapter 15): the protocol-independent daytime server of Figure 11.14
//! that sends its 26 bytes one `send` at a time, each with `MSG_EOR`, the
//! flag that ends a record.
//!
//! TCP has no records: Linux accepts `MSG_EOR` on a TCP socket (it stops
//! the kernel from adding later bytes to the same segment) but the reader
//! still sees one byte stream, and a client that reads late gets all 26
//! bytes in one `read` (`unixdomain-daytimetcpcli`).
//!
//! Run: `unixdomain-daytimetcpsrv2 40013 &` (or `[ <host> ] <service or
//! port>`: `unixdomain-daytimetcpsrv2 ::1 40013`), then
//! `unixdomain-daytimetcpcli 127.0.0.1 40013`. Prints
//! `connection from A:P` for each client.
//!
//! Differs from the C: the name (intro's `daytimetcpsrv2` came first); a
//! client that goes away while the bytes are sent ends only its own
//! connection (`send error: ...` on stderr), where the C's `Send` ends the
//! server.

use std::os::fd::AsRawFd;

use nix::sys::socket::{send, MsgFlags};
use unp::time::ctime_now;
use unp::{err_quit, err_ret, sock_ntop, tcp_listen, wrap};

fn main() {
    let usage = "usage: daytimetcpsrv2 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let listenfd = match &args[..] {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", sock_ntop(&cliaddr));

        let buff = format!("{}\r\n", ctime_now());
        for byte in buff.as_bytes() {
            let sent = send(connfd.as_raw_fd(), &[*byte], MsgFlags::MSG_EOR);
            if let Err(err) = sent {
                err_ret(&err.into(), "send error");
                break;
            }
        }

        wrap::close(connfd);
    }
}
