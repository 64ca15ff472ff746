//! tcpservselect01: the echo server in one process, with `select` (Figures
//! 6.21 and 6.22, `tcpcliserv/tcpservselect01.c`).
//!
//! No fork: one `select` watches the listening socket and every connected
//! client; a readable listening socket means a new connection to accept, a
//! readable client means data to echo or its end of file (§6.8). Each
//! client gets one `read` of at most `MAXLINE` bytes per round, echoed back
//! with `writen`, so no line structure is assumed and a client that sends
//! half a line (tcpcli06) stalls nobody. A client that sends but never
//! reads does block the whole server in `writen` once its socket buffers
//! are full: the book's design, kept (§6.8 and chapter 16 discuss it).
//!
//! Run: `tcpservselect01 &` (port 9877) then `tcpcli01 127.0.0.1`; or
//! `tcpservselect01 40000 &` and `tcpcli01 127.0.0.1 40000`.
//!
//! Differs from the C (the crate's doc says why and how):
//! - a client whose descriptor would not fit in an `fd_set` is refused with
//!   `too many clients: descriptor N does not fit ...`, where the C writes
//!   past the set;
//! - a read or write error closes that client only, where the C ends;
//! - out of descriptors, `accept error: Too many open files` and a pause in
//!   accepting until a client leaves, where the C dies;
//! - `client[]` is a growing `Vec` of slots; no `allset`, `maxfd`, `maxi`.
//! - the optional port argument.

use nix::sys::select::{select, FdSet, FD_SETSIZE};
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd};
use unp::tcp::accept_unless_out_of_fds;
use unp::{book_args, err_msg, err_quit, wrap, writen, OrDie, LISTENQ, MAXLINE, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpservselect01 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);
    if listenfd.as_raw_fd() as usize >= FD_SETSIZE {
        err_quit("listening descriptor does not fit in an fd_set");
    }

    let mut client: Vec<Option<Socket>> = Vec::new(); // None: available entry
    let mut listening = true; // false while out of descriptors
    let mut buf = [0u8; MAXLINE];

    loop {
        let mut rset = FdSet::new();
        if listening {
            rset.insert(listenfd.as_fd());
        }
        for sockfd in client.iter().flatten() {
            rset.insert(sockfd.as_fd());
        }
        select(None, &mut rset, None, None, None).or_die("select error");
        let new_client = listening && rset.contains(listenfd.as_fd());
        let readable: Vec<bool> = client
            .iter()
            .map(|slot| slot.as_ref().is_some_and(|s| rset.contains(s.as_fd())))
            .collect();

        if new_client {
            match accept_unless_out_of_fds(&listenfd) {
                Some(connfd) if connfd.as_raw_fd() as usize >= FD_SETSIZE => err_msg(format!(
                    "too many clients: descriptor {} does not fit in an fd_set \
                     (FD_SETSIZE {FD_SETSIZE}), connection closed",
                    connfd.as_raw_fd()
                )),
                // save the descriptor in the first available entry
                Some(connfd) => match client.iter_mut().find(|slot| slot.is_none()) {
                    Some(slot) => *slot = Some(connfd),
                    None => client.push(Some(connfd)),
                },
                None => listening = false,
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
                listening = true;
            }
        }
    }
}
