//! Chapter 16 (`nonblock/`): nonblocking I/O, `connect_nonb`, the web
//! client, the accept race.
//!
//! What several programs of this chapter share lives here: the `select`
//! echo loop of Figures 6.21-6.22 that `tcpservselect03` (the race of
//! §16.6) and `tcpservselect04` (its fix) both run, each with its own
//! accept step (the lesson), and the `FD_SETSIZE` check every `select`
//! caller needs. The echo clients write out Figure 5.4's socket and
//! connect, the servers their socket, bind and listen.

use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use nix::sys::select::{select, FdSet};
use socket2::Socket;
use unp::{err_msg, err_quit, writen, OrDie, MAXLINE};

/// Whether `fd` fits in a `select(2)` `fd_set`, whose size is fixed at
/// `FD_SETSIZE` (1024) descriptors. The C sets the bit regardless, writing
/// past the set; nix's `FdSet` panics. Callers check first and refuse.
pub fn fits_fd_set(fd: impl AsFd) -> bool {
    fd.as_fd().as_raw_fd() < libc::FD_SETSIZE as i32
}

/// A client's check: die with `select error: descriptor N >= FD_SETSIZE`
/// when `fd` does not fit in an `fd_set`.
pub fn fd_set_or_die(fd: impl AsFd) {
    if !fits_fd_set(fd.as_fd()) {
        err_quit(format!(
            "select error: descriptor {} >= FD_SETSIZE",
            fd.as_fd().as_raw_fd()
        ));
    }
}

/// How long `tcpservselect03` and `tcpservselect04` sleep between `select`
/// saying the listening socket is readable and calling `accept`: the window
/// in which a client's RST arrives (§16.6).
pub const ACCEPT_DELAY: Duration = Duration::from_secs(5);

/// The single-process `select` echo server of Figure 6.21–6.22, with the
/// listening socket's step left to the caller: when the listening socket
/// is readable it calls `accept_step`, in which `tcpservselect03` prints
/// `listening socket readable`, sleeps [`ACCEPT_DELAY`] and calls a
/// blocking `accept`, and `tcpservselect04` the same with a nonblocking
/// one that may find nothing (None).
///
/// Where the C differs: it reads clients with `Readline`, whose one static
/// buffer is shared by every descriptor and which blocks the whole server on
/// a line without a newline; this reads what has arrived, as
/// `tcpservselect01` does. A read error (`ECONNRESET` from a client that
/// reset) closes that client instead of killing the server (`Readline`'s
/// wrapper dies with `readline error`). A descriptor at
/// or past `FD_SETSIZE` is refused with `too many clients` instead of
/// overflowing the `fd_set`.
pub fn select_echo_server(listener: &Socket, accept_step: impl Fn(&Socket) -> Option<Socket>) -> ! {
    let mut clients: Vec<Socket> = Vec::new();
    let mut buf = [0u8; MAXLINE];
    loop {
        let mut rset = FdSet::new();
        rset.insert(listener.as_fd());
        for client in &clients {
            rset.insert(client.as_fd());
        }
        select(None, &mut rset, None, None, None).or_die("select error");

        let new = if rset.contains(listener.as_fd()) {
            accept_step(listener)
        } else {
            None
        };

        let mut finished = Vec::new();
        for (i, client) in clients.iter().enumerate() {
            if !rset.contains(client.as_fd()) {
                continue;
            }
            match nix::unistd::read(client.as_fd(), &mut buf) {
                Ok(0) | Err(_) => finished.push(i),
                Ok(n) => writen(client, &buf[..n]).unwrap_or_else(|_| finished.push(i)),
            }
        }
        for i in finished.into_iter().rev() {
            clients.swap_remove(i);
        }
        if let Some(conn) = new {
            match fits_fd_set(&conn) {
                true => clients.push(conn),
                false => err_msg("too many clients"),
            }
        }
    }
}
