//! test-test1 (`test/test1.c`, `funcs.c`, `test.h`): the "socket test
//! program". Against an echo server (TCP and UDP on one port), it tries
//! what 4.4BSD allows and reports where this system differs, each line
//! starting with `+`; a `!` line is fatal:
//! - `sendto` with no address on a connected TCP socket, then `recvfrom`
//!   with and without a buffer for the sender's address (Linux leaves it
//!   empty, length 0, as BSD does; Solaris fills it in);
//! - `sendto` **with** an address on a connected TCP socket: Linux ignores
//!   the address and sends (`+ sendto on TCP socket specifying dest addr
//!   OK`);
//! - `sendto` with no address and `write` on an unconnected UDP socket:
//!   `EDESTADDRREQ`, as in BSD (nothing printed);
//! - `write` and `sendto` without an address on a connected UDP socket
//!   work; `sendto` with an address there is `EISCONN` in BSD, but Linux
//!   sends it (`+ sendto on connected UDP with dest addr OK, n = 10`).
//!
//! With `-v` it first prints the name of each phase (`header_flags`,
//! `udp_01`, `sendto_01`). The header checks print nothing on Linux: its
//! libc defines `MSG_DONTROUTE`, `MSG_OOB`, `MSG_PEEK` and `MSG_WAITALL`;
//! `udp_01` is empty in the C too.
//!
//! Run: `test-test1 127.0.0.1 40007` against echo servers on TCP and UDP
//! port 40007 (`tcpserv01 40007` and `udpserv01 40007`), or `test-test1 -v
//! 127.0.0.1` against the system's echo service on port 7.
//!
//! Differs from the C: the server's address is an argument (the C has
//! 140.252.13.34, a host of the book's network, wired in), with the
//! optional port (the C's is 7); one usage line, `usage: test1 [ -v ]
//! <IPaddress> [port]`, where the C prints `options: -v    verbose` and
//! `unrecognized option`; `send(2)` stands for `sendto` with no address
//! (the same system call in glibc); the unconnected UDP `write` sends
//! `hello` and two NULs (the C writes 7 bytes from its 6-byte string).

use std::mem::MaybeUninit;
use std::net::SocketAddrV4;

use nix::errno::Errno;
use socket2::{Domain, SockAddr, Socket, Type};
use unp::{err_msg, err_quit, err_ret, err_sys, wrap, OrDie};

fn main() {
    let usage = "usage: test1 [ -v ] <IPaddress> [port]";
    let mut args = unp::args::arguments(usage, unp::args::Role::Client);
    let verbose = args.first().is_some_and(|a| a == "-v");
    if verbose {
        args.remove(0);
    }
    if args.iter().any(|a| a.starts_with('-')) {
        err_quit(usage); // an unrecognized option
    }
    let port = match &args[..] {
        [_] => 7,
        [_, port] => port.parse().unwrap_or_else(|_| err_quit(usage)),
        _ => err_quit(usage),
    };
    let servaddr = SockAddr::from(SocketAddrV4::new(unp::inet_pton_v4_or_die(&args[0]), port));

    if verbose {
        unp::outln!("header_flags");
    }
    // header_flags(): nothing to report, Linux defines all four flags.
    if verbose {
        unp::outln!("udp_01");
    }
    // udp_01(): empty in the C.
    if verbose {
        unp::outln!("sendto_01");
    }
    sendto_01(&servaddr);
}

/// The C's `TcpSockByAddr`: a TCP socket connected to `servaddr`.
fn tcp_sock_by_addr(servaddr: &SockAddr) -> Socket {
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, servaddr);
    sockfd
}

/// The C's `UdpSockByAddr` (unconnected) and `UdpConnSockByAddr`.
fn udp_sock_by_addr(servaddr: &SockAddr, connected: bool) -> Socket {
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    if connected {
        wrap::connect(&sockfd, servaddr);
    }
    sockfd
}

fn recv_expecting_5(sockfd: &Socket) -> SockAddr {
    let mut buff = [MaybeUninit::<u8>::uninit(); 8192];
    let (n, from) = sockfd.recv_from(&mut buff).or_die("recvfrom error");
    if n != 5 {
        err_quit("! Recvfrom expected 5");
    }
    from
}

fn sendto_01(servaddr: &SockAddr) {
    // sendto() with no address on a TCP socket.
    let sockfd = tcp_sock_by_addr(servaddr);
    sockfd.send(b"hello").or_die("sendto error");
    recv_expecting_5(&sockfd);

    // Ask for the sender's address: BSD returns none, Solaris does.
    sockfd.send(b"world").or_die("sendto error");
    let from = recv_expecting_5(&sockfd);
    if from.len() != 0 {
        err_msg(format!(
            "+ recvfrom on TCP socket returns len = {} for sender's addr",
            from.len()
        ));
        if let Some(v4) = from.as_socket_ipv4() {
            unp::outln!("  recvfrom from {}, port {}", v4.ip(), v4.port());
        }
    }
    drop(sockfd);

    // A destination address for sendto() on a TCP socket: should fail.
    let sockfd = tcp_sock_by_addr(servaddr);
    match sockfd.send_to(b"hello1", servaddr) {
        Err(err) => err_ret(
            &err,
            "sendto on TCP socket specifying dest addr returns error",
        ),
        Ok(6) => err_msg("+ sendto on TCP socket specifying dest addr OK"),
        Ok(n) => err_quit(format!(
            "! sendto on TCP socket specifying dest addr, n = {n}"
        )),
    }
    drop(sockfd);

    // An unconnected UDP socket: both should fail with EDESTADDRREQ.
    let sockfd = udp_sock_by_addr(servaddr, false);
    match sockfd.send(b"hello12") {
        Ok(n) => err_msg(format!(
            "+ sendto on unconnected UDP without dest addr OK, n = {n}"
        )),
        Err(err) if err.raw_os_error() != Some(libc::EDESTADDRREQ) => err_ret(
            &err,
            "+ sendto on unconnected UDP without dest addr, unexpected errno",
        ),
        Err(_) => {}
    }
    match nix::unistd::write(&sockfd, b"hello\0\0") {
        Ok(n) => err_msg(format!("+ write on unconnected UDP OK, n = {n}")),
        Err(Errno::EDESTADDRREQ) => {}
        Err(err) => err_ret(&err.into(), "+ write on unconnected UDP, unexpected errno"),
    }
    drop(sockfd);

    // A connected UDP socket.
    let sockfd = udp_sock_by_addr(servaddr, true);
    match nix::unistd::write(&sockfd, b"hello123") {
        Err(err) => err_sys(&err.into(), "! write on connected UDP, n = -1"),
        Ok(8) => {}
        Ok(n) => err_quit(format!("! write on connected UDP, n = {n}")),
    }
    match sockfd.send(b"hello1234") {
        Err(err) => err_sys(&err, "! sendto on connected UDP without dest addr, n = -1"),
        Ok(9) => {}
        Ok(n) => err_quit(format!(
            "! sendto on connected UDP without dest addr, n = {n}"
        )),
    }
    // Should fail with EISCONN.
    match sockfd.send_to(b"hello12345", servaddr) {
        Err(err) if err.raw_os_error() != Some(libc::EISCONN) => err_ret(
            &err,
            "+ sendto on connected UDP with dest addr, unexpected errno",
        ),
        Err(_) => {}
        Ok(n) => err_msg(format!(
            "+ sendto on connected UDP with dest addr OK, n = {n}"
        )),
    }
}
