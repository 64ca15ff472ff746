//! `serv14` (not in the book): serv10's single loop on io_uring. Instead of
//! asking `epoll` which sockets are ready and then making the `accept`,
//! `read` and `write` calls itself, the loop queues the operations
//! themselves in a ring shared with the kernel, and one `io_uring_enter(2)`
//! both submits them and waits for their completions: the bytes are already
//! read, or written, when the loop hears of them. Under load one system
//! call carries many operations.
//!
//! It runs on the workspace's io_uring loop (`unp::uring`, shared with
//! `uringserv02`): one multishot accept, one multishot recv per connection
//! into a ring of buffers the kernel picks from, a multishot poll of the
//! SIGINT self-pipe, `SINGLE_ISSUER | DEFER_TASKRUN`. This file is the
//! protocol only: the request bytes are copied out of the ring buffer (which
//! goes back at once), each line cut and parsed as `web_child` does
//! (`line_len`, `parse_request`), and the reply sent straight from the
//! static reply bytes.
//!
//! ```sh
//! serv14 [ <host> ] <port#>       # serv14 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and
//! exits. Out of descriptors it prints `accept error: Too many open files`
//! (at most once every 10 s) and queues no new accept until a connection
//! closes. Where io_uring or a provided buffer ring is missing (before
//! Linux 5.19, or refused by a seccomp filter or `kernel.io_uring_disabled`)
//! it says `serv14: io_uring unavailable: <reason>` and exits 1. The echo
//! server on the same loop is `uringserv02` (`aio/`).

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_child::{line_len, parse_request, reply};
use std::os::fd::{AsFd, AsRawFd};
use unp::err_msg;
use unp::uring::{Config, Connection, Out, Server};

/// A connection's place in the protocol: request bytes received but not
/// yet taken as a line.
#[derive(Default)]
struct WebConn {
    input: Vec<u8>,
}

impl WebConn {
    /// Answer every whole request line in `input` (at end of file, `eof`,
    /// a last line without newline too); a bad one is logged and ends the
    /// connection, after the replies before it.
    fn answer(&mut self, eof: bool, out: &mut Out) {
        while let Some(len) = line_len(&self.input, eof) {
            let request = parse_request(&self.input[..len]);
            self.input.drain(..len);
            match request {
                Ok(n) => out.send(reply(n)),
                Err(bad) => {
                    err_msg(bad);
                    return out.close();
                }
            }
        }
    }
}

impl Connection for WebConn {
    fn received(&mut self, data: &[u8], out: &mut Out) {
        self.input.extend_from_slice(data);
        self.answer(false, out);
    }

    fn end_of_file(&mut self, out: &mut Out) {
        self.answer(true, out);
    }
}

/// The key of the signal pipe's poll.
const SIGNALS: u64 = 0;

fn main() {
    let args = ServerArgs::parse("usage: serv14 [ <host> ] <port#>", false);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let mut server: Server<WebConn> = Server::new("serv14", listener, Config::default())
        .unwrap_or_else(|err| unp::err_sys(&err, "serv14: io_uring unavailable"));
    server.watch(signals.as_fd().as_raw_fd(), SIGNALS);
    server.run(|_signals| {
        if signals.take().stop() {
            pr_cpu_time();
            std::process::exit(0);
        }
    })
}
