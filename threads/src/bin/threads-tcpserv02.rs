//! threads-tcpserv02: the thread-per-client echo server, passing the
//! descriptor the portable way (Figure 26.4, `threads/tcpserv02.c`).
//!
//! Figure 26.3 casts the `int` descriptor into the thread's `void *`
//! argument, which C does not promise to work. Here each `accept` result
//! goes into memory of its own (`malloc` in the C, a `Box` here) that only
//! the new thread sees; the thread takes the descriptor out and frees that
//! memory. The next `accept` writes a new box, so no thread can read
//! another's descriptor.
//!
//! Run: `threads-tcpserv02 9877 &` then `threads-tcpcli01 127.0.0.1 9877`.
//!
//! Differs from the C: the C declares Solaris' `thread_t` and does not
//! compile on Linux; its usage says `tcpserv01`, this one names the binary.
//! In Rust the `Box` is only the figure's shape: moving the socket by value
//! (threads-tcpserv01) is just as safe. The thread is detached by dropping
//! its `JoinHandle`.
//!
//! Under stress it keeps the book's lesson, and the reliability suite
//! checks each: one process serves every client, so whatever ends one
//! thread's work ends them all. Out of descriptors, the book's `Accept`
//! exits with `accept error: Too many open files`; out of threads,
//! `Pthread_create` with `pthread_create error: Resource temporarily
//! unavailable`; and one client that resets makes the book's `str_echo`
//! exit with `str_echo: read error: Connection reset by peer`, taking every
//! other client with it (a fork-per-client server loses only that child).
//! serv06 is the thread per client that survives all three (README,
//! "Under stress").

use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{err_quit, str_echo, tcp_listen, wrap};

fn main() {
    let usage = "usage: threads-tcpserv02 [ <host> ] <service or port>";
    let listenfd = match arguments(usage, Role::Server).as_slice() {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let iptr = Box::new(wrap::accept(&listenfd).0);
        drop(unp::wrap::pthread_create(move || doit(iptr)));
    }
}

/// Each thread: take the descriptor out of its box (freed here), echo,
/// close.
// The box is the figure's `malloc`ed int, kept to show its shape.
#[allow(clippy::boxed_local)]
fn doit(arg: Box<Socket>) {
    let connfd = *arg;
    str_echo(&connfd); // same function as before
    wrap::close(connfd); // done with connected socket
}
