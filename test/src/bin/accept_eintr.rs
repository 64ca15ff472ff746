//! accept_eintr (`test/accept_eintr.c`): is `accept` restarted after a
//! signal? It listens on port 9877 and blocks in `accept`, with a `SIGINT`
//! handler that prints `received SIGINT` installed by the book's `Signal`
//! ([`unp::signal::signal`]), which sets `SA_RESTART` for every signal but
//! `SIGALRM`. On Linux, `accept` is restarted: each Ctrl-C (or `kill
//! -INT`) prints the line and the program goes back to waiting, where a
//! handler without `SA_RESTART` would make `accept` fail with `EINTR`
//! (`accept error: Interrupted system call`, §5.9).
//!
//! Run: `accept_eintr` (port 9877) or `accept_eintr 40000`, then `kill
//! -INT <pid>` a few times; `kill <pid>` to end it.
//!
//! Differs from the C: the optional port; the handler writes its line with
//! `write(2)`, which is async-signal-safe, where the C calls `printf`; each
//! accepted connection is closed at once (the C keeps every descriptor
//! open and runs out).

use std::net::{Ipv4Addr, SocketAddrV4};

use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, SockAddr, Type};
use unp::signal::{signal, write_in_handler};
use unp::{wrap, LISTENQ, SERV_PORT};

extern "C" fn sig_int(_signo: libc::c_int) {
    write_in_handler(libc::STDOUT_FILENO, &[b"received SIGINT\n"]);
}

fn main() {
    let (_, port) = unp::book_args("usage: accept_eintr [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port);
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGINT, SigHandler::Handler(sig_int)); // sets SA_RESTART

    loop {
        // Accept dies with `accept error` if it was not restarted.
        let (_connfd, _cliaddr) = wrap::accept(&listenfd);
    }
}
