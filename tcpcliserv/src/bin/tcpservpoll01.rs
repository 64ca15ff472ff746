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
//! Differs from the C, accidents fixed:
//! - The C sizes its array with `OPEN_MAX`, which modern systems no longer
//!   define, and the Linux build fix replaced it with `FOPEN_MAX`, the
//!   number of stdio streams, 16 on glibc: the 16th concurrent client made
//!   the server quit with `too many clients`. Here the `pollfd` array grows
//!   with the clients, so the server holds as many as its descriptor limit
//!   (`ulimit -n`) allows.
//! - At that limit `accept` fails with `EMFILE`: the server prints `accept
//!   error: Too many open files` and stops watching the listening socket
//!   until a client leaves (the waiting connections stay in the listen
//!   queue), where the C dies.
//! - `POLLHUP` is handled as a read too, so a hung-up client is closed
//!   instead of making `poll` return at once forever; any read or write
//!   error closes that client only, where the C ends the server on errors
//!   other than `ECONNRESET` (and Rust leaves SIGPIPE ignored, so a reset
//!   client cannot kill it).
//!
//! The book's array with `fd = -1` holes and `maxi` become a `Vec` of the
//! connected sockets, from which the `pollfd` array is built each round;
//! dropping a socket closes it.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use socket2::{Domain, Socket};
use std::os::fd::AsFd;
use tcpcliserv::echo_readable;
use unp::tcp::{accept_unless_out_of_fds, listen_any};
use unp::{book_args, OrDie, MAXLINE, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpservpoll01 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    let mut client: Vec<Socket> = Vec::new();
    let mut listening = true;
    let mut buf = [0u8; MAXLINE];
    let readable = PollFlags::POLLRDNORM | PollFlags::POLLERR | PollFlags::POLLHUP;

    loop {
        let watch_listener = match listening {
            true => PollFlags::POLLRDNORM,
            false => PollFlags::empty(),
        };
        let mut pollfds = vec![PollFd::new(listenfd.as_fd(), watch_listener)];
        pollfds.extend(
            client
                .iter()
                .map(|s| PollFd::new(s.as_fd(), PollFlags::POLLRDNORM)),
        );
        poll(&mut pollfds, PollTimeout::NONE).or_die("poll error");
        let revents: Vec<PollFlags> = pollfds
            .iter()
            .map(|p| p.revents().unwrap_or(PollFlags::empty()))
            .collect();

        if revents[0].contains(PollFlags::POLLRDNORM) {
            match accept_unless_out_of_fds(&listenfd) {
                Some(connfd) => client.push(connfd),
                None => listening = false,
            }
        }

        let mut ready = revents[1..].iter();
        let before = client.len();
        client.retain(|sockfd| {
            let revents = ready.next().copied().unwrap_or(PollFlags::empty());
            !revents.intersects(readable) || echo_readable(sockfd, &mut buf)
        });
        listening |= client.len() < before;
    }
}
