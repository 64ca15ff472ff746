//! Chapter 20, broadcasting (`bcast/`): one request to a subnet's broadcast
//! address, a reply from every host that runs the server.
//!
//! Every program here is the book's `udpcli01.c` `main` (a UDP socket, the
//! daytime port 13 on `<IPaddress>`) with another `dg_cli`: each line of
//! stdin is sent once, with `SO_BROADCAST` set (without it the kernel
//! refuses a broadcast destination: `sendto error: Permission denied`),
//! then replies are printed `from <address>: <reply>` until a 5-second
//! `alarm` ends the wait. How the `SIGALRM` ends it is the lesson of §20.5:
//!
//! - `bcast-udpcli01` (Figure 20.5): the handler returns, `recvfrom` fails
//!   with `EINTR` (the handler is installed without `SA_RESTART`). If the
//!   alarm fires while the program is anywhere else (printing a reply),
//!   the signal is spent and the next `recvfrom` blocks for ever;
//! - `bcast-udpcli02`: the same with `alarm(1)` and a `sleep(1)` per reply,
//!   so that the alarm nearly always fires in the sleep: it hangs;
//! - `bcast-udpcli03` (Figure 20.6): `SIGALRM` blocked except around
//!   `recvfrom`; an alarm that fired while blocked is delivered when the mask
//!   is lifted, just before `recvfrom`, which then blocks for ever: the same
//!   race;
//! - `bcast-udpcli04` (Figure 20.7): `pselect` lifts the mask and waits in
//!   one system call: no window;
//! - `bcast-udpcli05` (Figure 20.8): the book's handler `siglongjmp`s back
//!   before `recvfrom`, wherever it was; Rust cannot (see that program: the
//!   handler marks the socket instead, so that whatever call comes next
//!   returns at once);
//! - `bcast-udpcli06` (Figure 20.9): the handler writes a byte to a pipe,
//!   and `select` waits on the socket and the pipe.
//!
//! The tests run them on the namespace network (`unp_tests::netlab`):
//! servers on B, C and D, the client on A sending to 10.0.1.255; B and C
//! answer, D (behind the router) never hears it. They show the race
//! without timing luck: the client is held (`SIGSTOP`) while it writes a
//! reply to a full stdout pipe, the alarm fires meanwhile, then the pipe is
//! drained and the client resumed: 01 and 03 block for ever in
//! `recvfrom`, 04, 05 and 06 end their wait. 02 needs no help: the reply
//! comes before its one-second alarm, which then fires in the sleep.

use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, StdinLock, Write};

/// The book's `udpcli0N.c` `main`, the same in all six: `usage` for wrong
/// arguments, a UDP socket, `<IPaddress>` port 13 (or the optional port),
/// then the program's own `dg_cli` on stdin.
pub fn udpcli(usage: &str, dg_cli: fn(&mut StdinLock<'static>, &Socket, &SockAddr)) {
    let (args, port) = unp::book_args(usage, 1, 13);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = unp::wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}

/// The loops' `printf("from %s: %s", Sock_ntop_host(...), recvline)`: in one
/// write, the reply whole (NUL bytes too), a failed stdout ignored as the
/// C's unchecked `printf`.
pub fn print_reply(preply_addr: &SockAddr, reply: &[u8]) {
    let mut line = format!("from {}: ", unp::sock_ntop_host(preply_addr)).into_bytes();
    line.extend_from_slice(reply);
    let _ = io::stdout().write_all(&line);
}
