//! `tcpservbusy01` (not in the book): an echo server that **busy-polls**,
//! the nonblocking I/O model of §6.2 (Figure 6.2) taken at its word.
//!
//! Every socket is nonblocking and the server never waits: in an endless
//! loop it tries `accept` on the listening socket, then `read` on each
//! client (or, while an echo is still unsent, `write`), and takes every
//! `EWOULDBLOCK` as "nothing yet, try the next one". It answers exactly as
//! `tcpserv04` does, to any number of clients, in one process. And with no
//! client at all it keeps one CPU at 100%, making millions of system calls
//! a second that all fail: the "waste of CPU time" the book warns of, which
//! `select`, `poll` and `epoll` exist to avoid. Never ship it: it is here so
//! that a reader can watch `top` while it idles.
//!
//! Out of descriptors (`EMFILE`), it does what the select and poll servers
//! do: prints `accept error: Too many open files`, stops trying `accept`
//! until a client leaves, and goes on serving the others.
//!
//! Run: `tcpservbusy01 [port]` (default 9877), then `tcpcli01 127.0.0.1
//! [port]`; `top -p $(pgrep tcpservbusy01)` shows the cost.

use nix::errno::Errno;
use nix::unistd::{read, write};
use socket2::{Domain, Socket};
use unp::tcp::listen_any;
use unp::{book_args, err_ret, err_sys, OrDie, MAXLINE, SERV_PORT};

/// A client and the part of its echo that its socket has not taken yet.
struct Client {
    sock: Socket,
    unsent: Vec<u8>,
}

fn main() {
    let (_, port) = book_args("usage: tcpservbusy01 [port]", 0, SERV_PORT);
    let listener = listen_any(Domain::IPV4, port);
    listener.set_nonblocking(true).or_die("fcntl error");

    let mut clients: Vec<Client> = Vec::new();
    let mut buf = [0u8; MAXLINE];
    let mut accepting = true; // false while out of descriptors
    loop {
        if accepting {
            match listener.accept() {
                Ok((sock, _)) => {
                    sock.set_nonblocking(true).or_die("fcntl error");
                    clients.push(Client {
                        sock,
                        unsent: Vec::new(),
                    });
                }
                Err(err) if err.raw_os_error() == Some(libc::EWOULDBLOCK) => {} // no one yet
                Err(err) if unp::wrap::is_aborted_connection(&err) => {}
                Err(err) if unp::wrap::is_out_of_fds(&err) => {
                    err_ret(&err, "accept error");
                    accepting = false;
                }
                Err(err) => err_sys(&err, "accept error"),
            }
        }
        let before = clients.len();
        clients.retain_mut(|client| poll_client(client, &mut buf));
        accepting |= clients.len() < before; // a client left: a descriptor is free
    }
}

/// One nonblocking try at a client: read when its last echo is all sent,
/// then write what is unsent. Returns whether the client stays (false at its
/// end of file, or on an error such as `ECONNRESET`).
fn poll_client(client: &mut Client, buf: &mut [u8]) -> bool {
    if client.unsent.is_empty() {
        match read(&client.sock, buf) {
            Ok(0) => return false,
            Ok(n) => client.unsent.extend_from_slice(&buf[..n]),
            Err(Errno::EWOULDBLOCK) => return true, // nothing yet
            Err(_) => return false,
        }
    }
    match write(&client.sock, &client.unsent) {
        Ok(n) => {
            client.unsent.drain(..n);
            true
        }
        Err(Errno::EWOULDBLOCK) => true, // socket buffer full, try next pass
        Err(_) => false,
    }
}
