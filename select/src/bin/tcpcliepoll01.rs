//! Not in the book: `str_cli` of Figure 6.13 waiting in
//! [`epoll_wait(2)`](https://man7.org/linux/man-pages/man2/epoll_wait.2.html)
//! instead of `select`, the Linux answer to the book's `/dev/poll` and
//! `kqueue` clients (`advio/tcpcli03.c`, `advio/tcpcli04.c`, Figures 14.13
//! and 14.15, which do not build on Linux).
//!
//! The interest list is set up once, outside the loop (one `epoll_ctl` per
//! descriptor), where `select` is handed its sets anew on every call. At end
//! of stdin the client takes stdin out of the list, sends a FIN with
//! [`shutdown(SHUT_WR)`](https://man7.org/linux/man-pages/man2/shutdown.2.html)
//! and reads the socket until the server's FIN, so batch input comes back
//! whole.
//!
//! Run: `tcpcliepoll01 127.0.0.1` (port 7, the echo service, like the
//! book's clients) or `tcpcliepoll01 127.0.0.1 9877 < big.txt`.
//!
//! One Linux catch: epoll refuses regular files (`EPERM`), since they are
//! always ready. When stdin is redirected from a file the client does not
//! watch it and reads it on every turn, waiting for the socket without
//! blocking until stdin is exhausted.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::{err_quit, err_sys, servaddr_v4, wrap, writen, OrDie, MAXLINE};

const STDIN: u64 = 0;
const SOCKET: u64 = 1;

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(io::stdin().as_fd(), &sockfd);
}

fn str_cli(fp: BorrowedFd, sockfd: &Socket) {
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).or_die("epoll_create1 error");
    let readable = |data| EpollEvent::new(EpollFlags::EPOLLIN, data);
    epoll
        .add(sockfd, readable(SOCKET))
        .or_die("epoll_ctl error");
    let stdin_watched = match epoll.add(fp, readable(STDIN)) {
        Ok(()) => true,
        Err(Errno::EPERM) => false, // a regular file: always readable
        Err(err) => err_sys(&err.into(), "epoll_ctl error"),
    };

    let mut stdineof = false;
    let mut buf = [0u8; MAXLINE];
    let mut events = [EpollEvent::empty(); 2];
    loop {
        let timeout = match stdin_watched || stdineof {
            true => EpollTimeout::NONE,
            false => EpollTimeout::ZERO,
        };
        let nready = epoll.wait(&mut events, timeout).or_die("epoll_wait error");
        let mut stdin_ready = !stdin_watched && !stdineof;
        for event in &events[..nready] {
            if event.data() == STDIN {
                stdin_ready = true;
                continue;
            }
            let n = wrap::read(sockfd, &mut buf); // socket is readable
            if n == 0 {
                if stdineof {
                    return; // normal termination
                }
                err_quit("str_cli: server terminated prematurely");
            }
            wrap::write(io::stdout().as_fd(), &buf[..n]);
        }

        if stdin_ready {
            let n = wrap::read(fp, &mut buf);
            if n == 0 {
                stdineof = true;
                if stdin_watched {
                    epoll.delete(fp).or_die("epoll_ctl error");
                }
                wrap::shutdown(sockfd, Shutdown::Write); // send FIN
                continue;
            }
            writen(sockfd, &buf[..n]).or_die("writen error");
        }
    }
}
