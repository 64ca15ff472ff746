//! threads-tcpserv01: the echo server with one thread per client (Figure
//! 26.3, `threads/tcpserv01.c`).
//!
//! For each connection `accept` returns, a new thread runs `str_echo` on it
//! and closes it; the main thread goes straight back to `accept`. The
//! thread detaches itself, so nobody joins it and nothing is left when it
//! ends (the threads' answer to the zombies of §5.9).
//!
//! The book's point is how the descriptor reaches the thread: by value
//! (the C casts the `int` into the `void *` argument), never as a pointer
//! to `connfd`, which the next `accept` overwrites before the thread reads
//! it. Here the connected socket is moved into the thread's closure: it
//! belongs to that thread alone, and the compiler rejects a closure that
//! would borrow the main thread's variable instead.
//!
//! Run: `threads-tcpserv01 9877 &` (or `threads-tcpserv01 127.0.0.1 9877`)
//! then `threads-tcpcli01 127.0.0.1 9877`.
//!
//! Differs from the C: the thread is detached by dropping its `JoinHandle`
//! (`pthread_detach` from the creator, where the C's thread calls
//! `pthread_detach(pthread_self())`); the client's address is not kept (the
//! C `malloc`s room for it and never reads it); a thread that cannot be
//! created ends the server with `pthread_create error: ...`, as `Pthread_create` does.
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
    let usage = "usage: threads-tcpserv01 [ <host> ] <service or port>";
    let listenfd = match arguments(usage, Role::Server).as_slice() {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let (connfd, _cliaddr) = wrap::accept(&listenfd);
        drop(unp::wrap::pthread_create(move || doit(connfd)));
    }
}

/// Each thread: echo, then close its own connected socket.
fn doit(connfd: Socket) {
    str_echo(&connfd); // same function as before
    wrap::close(connfd); // done with connected socket
}
