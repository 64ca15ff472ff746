//! tcpserv01: the TCP echo server, one child per client (Figure 5.2,
//! `tcpcliserv/tcpserv01.c`).
//!
//! Accepts a connection, forks; the child echoes everything it reads
//! (`str_echo`, Figure 5.3) and exits when the client closes. The parent
//! never waits for its children, so each one that ends stays a zombie
//! (`State: Z` in `/proc/<pid>/status`, `<defunct>` in `ps`) until the
//! server itself exits (§5.8): the lesson that tcpserv02 to tcpserv04 fix.
//!
//! Run: `tcpserv01 &` (port 9877) then `tcpcli01 127.0.0.1`; or
//! `tcpserv01 40000 &` and `tcpcli01 127.0.0.1 40000`.
//!
//! Differs from the C: the optional port argument (the C takes none).

use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::{book_args, str_echo, wrap, LISTENQ, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv01 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    loop {
        let (connfd, _cliaddr) = wrap::accept(&listenfd);
        // SAFETY: the server never starts a thread, so the child may run any
        // code, allocation included.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            wrap::close(listenfd); // the child closes the listening socket
            str_echo(&connfd); // process the request
            std::process::exit(0);
        }
        wrap::close(connfd); // the parent closes the connected socket
    }
}
