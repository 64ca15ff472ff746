//! Not in the book: the echo server of `tcpservepoll01`, edge-triggered
//! (`EPOLLET`, [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html)).
//!
//! Each socket is registered once, for input and output, and never changed:
//! `epoll_wait` reports a socket only when something new happens to it (data
//! arrives, room frees up in its send buffer), not while it stays ready.
//! That saves the `epoll_ctl` calls and the repeated reports of level
//! triggering, and brings two traps:
//!
//! - **Missed events.** Data already in the socket produces no new edge. A
//!   handler that stops before `read` (or `accept`) returns `EAGAIN` is
//!   never told again about what it left behind, and the client hangs. So
//!   everything is drained until `EAGAIN`: the listening socket (nonblocking
//!   here), and each client. The same holds when `accept` fails for lack of
//!   descriptors (`EMFILE`): the waiting connections make no new edge, so
//!   the server retries `accept` itself each time a client leaves.
//! - **Starvation.** Draining until `EAGAIN` a client that sends as fast as
//!   it reads its echo never ends, and everyone else waits. So each client
//!   gets a budget of [`BUDGET`] reads per turn; a client that still has
//!   input when its budget is spent goes on a ready list of our own (the
//!   kernel will not report it again), served on the next turn after a
//!   non-blocking `epoll_wait` has let the others in.
//!
//! A full socket buffer: as in `tcpservepoll01`, the echo that the socket
//! does not take stays pending in the client's [`EchoConn`] and nothing more
//! is read from that client; the `EPOLLOUT` edge when its buffer drains
//! resumes it. Everyone else is served meanwhile.
//!
//! Run: `tcpservepoll02` (port 9877) or `tcpservepoll02 <port>`.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use select::{Echo, EchoConn};
use socket2::{Domain, Socket};
use unp::tcp::listen_any;
use unp::{book_args, err_ret, err_sys, wrap, OrDie, SERV_PORT};

/// Reads of `MAXLINE` bytes a client may have per turn.
const BUDGET: usize = 16;

struct Server {
    epoll: Epoll,
    listenfd: Socket,
    client: HashMap<RawFd, (Socket, EchoConn)>,
    /// Clients whose budget ran out with input left: no edge will come.
    still_ready: VecDeque<RawFd>,
    /// `accept` ran out of descriptors, connections are waiting.
    accept_stalled: bool,
    /// `accept error: Too many open files` printed since the listen queue
    /// was last emptied: said once, not once per client that leaves.
    accept_reported: bool,
}

fn main() {
    let (_, port) = book_args("usage: tcpservepoll02 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    listenfd.set_nonblocking(true).or_die("fcntl error");
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).or_die("epoll_create1 error");
    let edges = EpollFlags::EPOLLIN | EpollFlags::EPOLLET;
    let listen_data = listenfd.as_raw_fd() as u64;
    epoll
        .add(&listenfd, EpollEvent::new(edges, listen_data))
        .or_die("epoll_ctl error");
    let mut server = Server {
        epoll,
        listenfd,
        client: HashMap::new(),
        still_ready: VecDeque::new(),
        accept_stalled: false,
        accept_reported: false,
    };

    let mut events = vec![EpollEvent::empty(); 1024];
    loop {
        let timeout = match server.still_ready.is_empty() {
            true => EpollTimeout::NONE,
            false => EpollTimeout::ZERO,
        };
        let nready = match server.epoll.wait(&mut events, timeout) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "epoll_wait error"),
        };
        let owed = std::mem::take(&mut server.still_ready);
        for event in &events[..nready] {
            match event.data() == listen_data {
                true => server.accept_all(),
                false => server.serve(event.data() as RawFd),
            }
        }
        for fd in owed {
            server.serve(fd);
        }
    }
}

impl Server {
    /// Accept until `EAGAIN`: one edge may stand for many connections.
    fn accept_all(&mut self) {
        loop {
            let connfd = match self.listenfd.accept() {
                Ok((connfd, _cliaddr)) => connfd,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.accept_reported = false;
                    return;
                }
                Err(err) if wrap::is_aborted_connection(&err) => continue,
                Err(err) if wrap::is_out_of_fds(&err) => {
                    if !std::mem::replace(&mut self.accept_reported, true) {
                        err_ret(&err, "accept error");
                    }
                    self.accept_stalled = true;
                    return;
                }
                Err(err) => err_sys(&err, "accept error"),
            };
            connfd.set_nonblocking(true).or_die("fcntl error");
            let fd = connfd.as_raw_fd();
            let edges = EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT | EpollFlags::EPOLLET;
            self.epoll
                .add(&connfd, EpollEvent::new(edges, fd as u64))
                .or_die("epoll_ctl error");
            // Data already there is reported once: `EPOLL_CTL_ADD` checks.
            self.client.insert(fd, (connfd, EchoConn::default()));
        }
    }

    /// Serve one client within its budget.
    fn serve(&mut self, fd: RawFd) {
        let Some((sock, echo)) = self.client.get_mut(&fd) else {
            return;
        };
        match echo.pump(sock, BUDGET) {
            Echo::Read | Echo::Write => {} // drained or blocked: an edge will come
            Echo::Busy => self.still_ready.push_back(fd),
            Echo::Close => {
                if let Some((sock, _)) = self.client.remove(&fd) {
                    self.epoll.delete(&sock).or_die("epoll_ctl error");
                }
                if std::mem::take(&mut self.accept_stalled) {
                    self.accept_all();
                }
            }
        }
    }
}
