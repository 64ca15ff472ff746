//! `tcpservselect04` (not in the book: the fix §16.6 describes for
//! `tcpservselect03`): the same server, its listening socket nonblocking.
//!
//! It still prints `listening socket readable` and sleeps 5 seconds before
//! `accept`, so the window of the race stays open; but when the connection
//! has gone meanwhile, `accept` fails with `EWOULDBLOCK` instead of
//! blocking, and the server goes back to `select` and keeps serving its
//! clients. The book's list of errors to ignore there is `EWOULDBLOCK`
//! (Berkeley kernels, the client's RST), `ECONNABORTED` (POSIX), `EPROTO`
//! (SVR4) and `EINTR` (a signal): all four are ignored here. An accepted
//! socket inherits nothing from the listener's `O_NONBLOCK` on Linux
//! (`accept(2)` returns a blocking socket), so clients are served as before.
//!
//! Run: `tcpservselect04 [port]` (default 9877).
//!
//! Differs from `tcpservselect03.c` as `tcpservselect03` does: clients
//! are read with `read`, not `Readline` (whose one static buffer all
//! descriptors share, and which blocks the whole server on a line without
//! a newline), as `tcpservselect01` does; a
//! client's read or write error (`ECONNRESET`) closes that client where the
//! C's wrappers end the server; a descriptor at or past `FD_SETSIZE` is
//! refused with `too many clients` instead of overflowing the `fd_set`;
//! `client[]` is a `Vec` of slots and the read set is built each round
//! (no `allset`, `maxfd`, `maxi`); the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsFd;

use nix::sys::select::{select, FdSet};
use nonblock::{fits_fd_set, ACCEPT_DELAY};
use socket2::{Domain, SockAddr, Socket, Type};
use unp::{err_msg, err_sys, outln, wrap, writen, OrDie, LISTENQ, MAXLINE};

fn main() {
    let (_, port) = unp::book_args("usage: tcpservselect04 [port]", 0, unp::SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);
    listenfd.set_nonblocking(true).or_die("fcntl error"); // the fix of section 16.6

    let mut client: Vec<Option<Socket>> = Vec::new(); // None: available entry
    let mut buf = [0u8; MAXLINE];

    loop {
        let mut rset = FdSet::new();
        rset.insert(listenfd.as_fd());
        for sockfd in client.iter().flatten() {
            rset.insert(sockfd.as_fd());
        }
        select(None, &mut rset, None, None, None).or_die("select error");
        let readable: Vec<bool> = client
            .iter()
            .map(|slot| slot.as_ref().is_some_and(|s| rset.contains(s.as_fd())))
            .collect();

        if rset.contains(listenfd.as_fd()) {
            // new client connection
            outln!("listening socket readable");
            std::thread::sleep(ACCEPT_DELAY);
            let connfd = match listenfd.accept() {
                Ok((connfd, _cliaddr)) => Some(connfd),
                // the connection went away between select and accept
                Err(err)
                    if matches!(
                        err.raw_os_error(),
                        Some(libc::EWOULDBLOCK | libc::ECONNABORTED | libc::EPROTO | libc::EINTR)
                    ) =>
                {
                    None
                }
                Err(err) => err_sys(&err, "accept error"),
            };
            if let Some(connfd) = connfd {
                if fits_fd_set(&connfd) {
                    // save the descriptor in the first available entry
                    match client.iter_mut().find(|slot| slot.is_none()) {
                        Some(slot) => *slot = Some(connfd),
                        None => client.push(Some(connfd)),
                    }
                } else {
                    err_msg("too many clients");
                }
            }
        }

        // check all clients for data
        for (slot, ready) in client.iter_mut().zip(readable) {
            let Some(sockfd) = slot.as_ref().filter(|_| ready) else {
                continue;
            };
            let open = match nix::unistd::read(sockfd, &mut buf) {
                Ok(0) | Err(_) => false, // connection closed by client, or reset
                Ok(n) => writen(sockfd, &buf[..n]).is_ok(),
            };
            if !open {
                *slot = None; // dropping the socket closes it
            }
        }
    }
}
