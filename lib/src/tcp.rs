//! Pieces of the TCP clients' and servers' `main`: the echo clients'
//! command line (Figure 5.4, `tcpcliserv/tcpcli01.c`), the accept of the
//! single-process servers (Figure 6.22), and, for the servers that are not
//! in the book (the epoll servers, the reactor), socket, bind to the
//! wildcard and listen.
//!
//! The book's own programs write out their `socket`, `bind`, `listen` and
//! `connect` lines in each `main`, as each C file does.

use std::sync::{Mutex, PoisonError};

use socket2::{Domain, Socket, Type};

use crate::error::err_sys;
use crate::event::AcceptPause;
use crate::{book_args, wrap, LISTENQ};

/// The usage line of the book's echo clients (`tcpcli01.c` and the clients
/// that share its `main`): the C says `tcpcli` for all of them; the port
/// convention adds `[port]`.
pub const TCPCLI_USAGE: &str = "usage: tcpcli <IPaddress> [port]";

/// The command line of Figure 5.4's `main`, `<IPaddress> [port]`: the
/// address text and the port (`default_port` when none is given). Prints
/// [`TCPCLI_USAGE`] and exits 1 on any other count or a bad port, as
/// [`book_args`] does.
pub fn tcpcli_args(default_port: u16) -> (String, u16) {
    let (mut args, port) = book_args(TCPCLI_USAGE, 1, default_port);
    (args.remove(0), port)
}

/// `Socket`, `Bind` and `Listen` as every book server writes them out
/// (Figures 1.9 and 5.2), for the servers that are not in the book: a TCP socket of `domain` (`Domain::IPV4` or `Domain::IPV6`),
/// bound ([`bind(2)`](https://man7.org/linux/man-pages/man2/bind.2.html)) to
/// that family's wildcard address (`INADDR_ANY`, `in6addr_any`) and `port`,
/// listening ([`listen(2)`](https://man7.org/linux/man-pages/man2/listen.2.html))
/// with [`LISTENQ`]. As in the book there is no `SO_REUSEADDR`: a restarted
/// server may find its port still held by the last one's connections in
/// TIME_WAIT, and die with `bind error: Address already in use`.
pub fn listen_any(domain: Domain, port: u16) -> Socket {
    let listenfd = wrap::socket(domain, Type::STREAM);
    wrap::bind(&listenfd, &wrap::wildcard_addr(domain, port));
    wrap::listen(&listenfd, LISTENQ);
    listenfd
}

/// The accept of the single-process servers (Figure 6.22, `tcpservselect01`,
/// and the poll and epoll servers after it):
/// [`accept(2)`](https://man7.org/linux/man-pages/man2/accept.2.html) as the
/// book's `Accept` does it ([`wrap::accept`]), except that running out of
/// descriptors (`EMFILE`, `ENFILE`) or kernel memory, where the C dies,
/// prints `accept error: Too many open files` (at most once every 10 s: the
/// rule of [`AcceptPause`]) and returns `None`: the connection stays in
/// the listen queue, and the caller stops watching the listening socket
/// until a client leaves.
pub fn accept_unless_out_of_fds(listenfd: &Socket) -> Option<Socket> {
    // One for the process: these servers have one listening socket.
    static PAUSE: Mutex<AcceptPause> = Mutex::new(AcceptPause::new());
    loop {
        match listenfd.accept() {
            Ok((connfd, _cliaddr)) => return Some(connfd),
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err)
                if PAUSE
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pauses_for(&err) =>
            {
                return None
            }
            Err(err) => err_sys(&err, "accept error"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn listen_any_binds_the_wildcard_of_its_family_without_reuseaddr() {
        for (domain, wildcard) in [(Domain::IPV4, "0.0.0.0:0"), (Domain::IPV6, "[::]:0")] {
            let listenfd = listen_any(domain, 0);
            let local = listenfd.local_addr().unwrap().as_socket().unwrap();
            assert_eq!(local.ip(), wildcard.parse::<SocketAddr>().unwrap().ip());
            assert_ne!(local.port(), 0);
            assert!(!listenfd.reuse_address().unwrap());
        }
    }

    #[test]
    fn accept_unless_out_of_fds_takes_a_client_of_listen_any() {
        let listenfd = listen_any(Domain::IPV4, 0);
        let port = listenfd.local_addr().unwrap().as_socket().unwrap().port();
        let client = wrap::socket(Domain::IPV4, Type::STREAM);
        wrap::connect(&client, &crate::servaddr_v4("127.0.0.1", port));
        let connfd = accept_unless_out_of_fds(&listenfd).unwrap();
        assert_eq!(
            client.local_addr().unwrap().as_socket(),
            connfd.peer_addr().unwrap().as_socket()
        );
    }
}
