//! Not in the book: the echo server of Figures 6.25 and 6.26
//! (`tcpcliserv/tcpservpoll01.c`) with
//! [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html),
//! level-triggered, and without the denial of service of §6.8.
//!
//! Where `poll` takes the whole `client[]` array on every call, the interest
//! list lives in the kernel: one `epoll_ctl` when a client arrives or its
//! interest changes, and `epoll_wait` returns only the ready descriptors, so
//! a wait costs the same with ten idle clients or ten thousand. There is no
//! array to size (the C's `FOPEN_MAX` of 16) and no `too many clients`:
//! the descriptor limit (`ulimit -n`) is the limit.
//!
//! A full socket buffer: sockets are nonblocking, and a client that does not
//! read its echo leaves it pending in its [`EchoConn`]; that client is then
//! watched for `EPOLLOUT` only, not read until the echo has gone out, and
//! everyone else is served meanwhile. Level-triggered, one read per
//! readiness is enough: a socket with more to read is reported again.
//!
//! Out of descriptors (`EMFILE`), the listening socket would stay readable
//! and the loop would spin: it is taken out of the interest list until a
//! client leaves.
//!
//! Run: `tcpservepoll01` (port 9877) or `tcpservepoll01 <port>`.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, RawFd};

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use select::{Echo, EchoConn};
use socket2::{Domain, Socket};
use unp::tcp::{accept_unless_out_of_fds, listen_any};
use unp::{book_args, err_sys, OrDie, SERV_PORT};

/// One connected client and the events it is watched for.
struct Client {
    sock: Socket,
    echo: EchoConn,
    events: EpollFlags,
}

fn main() {
    let (_, port) = book_args("usage: tcpservepoll01 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    let listen_data = listenfd.as_raw_fd() as u64;
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).or_die("epoll_create1 error");
    let watch_listener = || {
        epoll
            .add(&listenfd, EpollEvent::new(EpollFlags::EPOLLIN, listen_data))
            .or_die("epoll_ctl error")
    };
    watch_listener();
    let mut accepting = true;

    let mut client: HashMap<RawFd, Client> = HashMap::new();
    let mut events = vec![EpollEvent::empty(); 1024];
    loop {
        let nready = match epoll.wait(&mut events, EpollTimeout::NONE) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "epoll_wait error"),
        };

        for event in &events[..nready] {
            if event.data() == listen_data {
                // new client connection
                let Some(connfd) = accept_unless_out_of_fds(&listenfd) else {
                    epoll.delete(&listenfd).or_die("epoll_ctl error");
                    accepting = false;
                    continue;
                };
                connfd.set_nonblocking(true).or_die("fcntl error");
                let fd = connfd.as_raw_fd();
                let events = EpollFlags::EPOLLIN;
                epoll
                    .add(&connfd, EpollEvent::new(events, fd as u64))
                    .or_die("epoll_ctl error");
                let echo = EchoConn::default();
                client.insert(
                    fd,
                    Client {
                        sock: connfd,
                        echo,
                        events,
                    },
                );
                continue;
            }

            let fd = event.data() as RawFd;
            let Some(cli) = client.get_mut(&fd) else {
                continue;
            };
            let wanted = match cli.echo.pump(&cli.sock, 1) {
                Echo::Read | Echo::Busy => EpollFlags::EPOLLIN,
                Echo::Write => EpollFlags::EPOLLOUT,
                Echo::Close => {
                    // connection closed (or reset) by client
                    epoll.delete(&cli.sock).or_die("epoll_ctl error");
                    client.remove(&fd);
                    if !accepting {
                        watch_listener();
                        accepting = true;
                    }
                    continue;
                }
            };
            if wanted != cli.events {
                cli.events = wanted;
                let mut event = EpollEvent::new(wanted, fd as u64);
                epoll
                    .modify(&cli.sock, &mut event)
                    .or_die("epoll_ctl error");
            }
        }
    }
}
