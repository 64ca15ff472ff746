//! tcpservpoll01: the echo server in one process, with `poll` (Figures
//! 6.25 and 6.26, `tcpcliserv/tcpservpoll01.c`).
//!
//! tcpservselect01 with `poll` in place of `select`: an array of `pollfd`,
//! the listening socket first, then one entry per client, each watched for
//! `POLLRDNORM`; `POLLERR` (a reset client) is handled as a read too, whose
//! `ECONNRESET` closes that client (§6.11). Each readable client gets one
//! `read` of at most `MAXLINE` bytes, echoed with `writen`. As in the select
//! server, a client that never reads blocks the whole server in `writen`
//! once its buffers fill: the book's design, kept (§6.8).
//!
//! Run: `tcpservpoll01 &` (port 9877) then `tcpcli01 127.0.0.1`; or
//! `tcpservpoll01 40000 &` and `tcpcli01 127.0.0.1 40000`.
//!
//! Differs from the C (the crate's doc says why and how):
//! - the `pollfd` array grows with the clients, where the C's `FOPEN_MAX`
//!   (16 on glibc) quits at the 16th with `too many clients`;
//! - out of descriptors, `accept error: Too many open files` and a pause in
//!   accepting until a client leaves, where the C dies;
//! - `POLLHUP` is read too, and a read or write error closes that client
//!   only, where the C ends on errors other than `ECONNRESET`.
//! - the optional port argument.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsFd;
use unp::tcp::accept_unless_out_of_fds;
use unp::{book_args, wrap, writen, OrDie, LISTENQ, MAXLINE, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpservpoll01 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    let mut client: Vec<Option<Socket>> = Vec::new(); // None: available entry
    let mut listening = true; // false while out of descriptors
    let mut buf = [0u8; MAXLINE];
    let readable = PollFlags::POLLRDNORM | PollFlags::POLLERR | PollFlags::POLLHUP;

    loop {
        let watch_listener = match listening {
            true => PollFlags::POLLRDNORM,
            false => PollFlags::empty(),
        };
        let mut pollfds = vec![PollFd::new(listenfd.as_fd(), watch_listener)];
        for sockfd in client.iter().flatten() {
            pollfds.push(PollFd::new(sockfd.as_fd(), PollFlags::POLLRDNORM));
        }
        poll(&mut pollfds, PollTimeout::NONE).or_die("poll error");
        let mut revents = pollfds
            .iter()
            .map(|p| p.revents().unwrap_or(PollFlags::empty()));
        let new_client = revents
            .next()
            .is_some_and(|r| r.contains(PollFlags::POLLRDNORM));
        let ready: Vec<bool> = client
            .iter()
            .map(|slot| slot.is_some() && revents.next().is_some_and(|r| r.intersects(readable)))
            .collect();
        drop(pollfds);

        if new_client {
            match accept_unless_out_of_fds(&listenfd) {
                // save the descriptor in the first available entry
                Some(connfd) => match client.iter_mut().find(|slot| slot.is_none()) {
                    Some(slot) => *slot = Some(connfd),
                    None => client.push(Some(connfd)),
                },
                None => listening = false,
            }
        }

        // check all clients for data
        for (slot, ready) in client.iter_mut().zip(ready) {
            let Some(sockfd) = slot.as_ref().filter(|_| ready) else {
                continue;
            };
            let open = match nix::unistd::read(sockfd, &mut buf) {
                Ok(0) | Err(_) => false, // connection closed by client, or reset
                Ok(n) => writen(sockfd, &buf[..n]).is_ok(),
            };
            if !open {
                *slot = None; // dropping the socket closes it
                listening = true;
            }
        }
    }
}
