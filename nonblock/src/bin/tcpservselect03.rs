//! `tcpservselect03` (`nonblock/tcpservselect03.c`, §16.6): the `select`
//! echo server of Figure 6.21–6.22 with a pause between `select` and
//! `accept`, to show why a listening socket handed to `select` should be
//! nonblocking.
//!
//! When `select` says the listening socket is readable, the server prints
//! `listening socket readable`, sleeps 5 seconds, then calls a *blocking*
//! `accept`. If the pending connection goes away during the sleep, `accept`
//! blocks until the next client connects, and meanwhile serves no one: a
//! connected client's lines go unanswered. The book's way to lose the
//! connection is a client that resets it (`nonblock-tcpcli03`): a
//! Berkeley-derived kernel drops the aborted connection from the queue.
//! **Linux does not**: it keeps the connection queued and `accept` returns it
//! (the first read then fails with `ECONNRESET`), so on Linux the RST alone
//! is harmless. The race is real all the same whenever anything else can
//! take the connection between `select` and `accept`, such as another
//! process sharing the listening socket; the tests play that process.
//! `tcpservselect04` is the fix.
//!
//! Run: `tcpservselect03 [port]` (default 9877), then
//! `nonblock-tcpcli03 127.0.0.1 [port]` and `tcpcli01 127.0.0.1 [port]`.
//!
//! Differs from the C: clients are read with `read`, not `Readline`
//! (whose one static buffer all descriptors share, and which blocks the
//! whole server on a line without a newline), as `tcpservselect01` does; a
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
use unp::{err_msg, outln, wrap, writen, OrDie, LISTENQ, MAXLINE};

fn main() {
    let (_, port) = unp::book_args("usage: tcpservselect03 [port]", 0, unp::SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

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
            let (connfd, _cliaddr) = wrap::accept(&listenfd); // blocks if the connection has gone
            let connfd = Some(connfd);
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
