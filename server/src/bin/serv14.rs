//! `serv14` (not in the book): serv10's single loop on io_uring. Instead of
//! asking `epoll` which sockets are ready and then making the `accept`,
//! `read` and `write` calls itself, the loop queues the operations
//! themselves (accept on the listening socket, recv or send on each
//! connection, a poll of the SIGINT self-pipe) in a ring shared with the
//! kernel, and one `io_uring_enter(2)` both submits them and waits for
//! their completions: the bytes are already read, or written, when the
//! loop hears of them. Under load one system call carries many operations.
//!
//! Each connection has one operation in flight at a time, and its receive
//! buffer (a `unp::lent::LentBuf`, lent to the kernel) and socket live until that
//! operation's completion has been reaped; a reply is sent straight from
//! the static reply bytes. The request line is cut and parsed as
//! `web_child` does (`line_len`, `parse_request`).
//!
//! ```sh
//! serv14 [ <host> ] <port#>       # serv14 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and
//! exits. Out of descriptors it prints `accept error: Too many open files`
//! once and queues no new accept until a connection closes. Where io_uring is missing (before Linux 5.6, or refused by a
//! seccomp filter or `kernel.io_uring_disabled`) it says
//! `serv14: io_uring unavailable: <reason>` and exits 1. The chapter 25 echo
//! server on io_uring is `uringserv01` (`aio/`).

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, FromRawFd};
use std::ptr;

use io_uring::{opcode, squeue, types, IoUring};
use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_child::{line_len, parse_request, reply};
use socket2::Socket;
use unp::event::AcceptPause;
use unp::lent::LentBuf;
use unp::{err_msg, err_ret, err_sys, OrDie, MAXLINE};

/// Submission queue entries; the completion queue gets twice as many.
const ENTRIES: u32 = 1024;
/// The `user_data` of the accept operation.
const ACCEPT: u64 = 0;
/// The `user_data` of the poll of the signal pipe.
const SIGNALS: u64 = 1;
/// Connections get tokens from here up, never reused.
const FIRST_CONNECTION: u64 = 2;

/// A connection and its place in the protocol.
struct Conn {
    sock: Socket,
    /// Where the kernel puts what a recv reads.
    buf: LentBuf,
    /// Request bytes received but not yet taken as a line.
    input: Vec<u8>,
    eof: bool,
    reply: &'static [u8],
    sent: usize,
}

/// What a connection does next.
enum Next {
    Submit(squeue::Entry),
    Close,
}

impl Conn {
    /// The operation to queue now: the rest of the reply, or the next
    /// request's reply, or a recv for more request bytes.
    fn next(&mut self, token: u64) -> Next {
        if self.sent == self.reply.len() {
            if let Some(len) = line_len(&self.input, self.eof) {
                let request = parse_request(&self.input[..len]);
                self.input.drain(..len);
                match request {
                    Ok(n) => (self.reply, self.sent) = (reply(n), 0),
                    Err(bad) => {
                        err_msg(bad);
                        return Next::Close;
                    }
                }
            } else if self.eof {
                return Next::Close;
            } else {
                // SAFETY: the buffer is the kernel's until this recv
                // completes; the connection, and so the buffer, is kept
                // until its completion is reaped, and nothing else reads
                // the buffer meanwhile.
                let buf = unsafe { self.buf.lend(0..MAXLINE) };
                let recv = opcode::Recv::new(self.fd(), buf.as_mut_ptr(), MAXLINE as u32);
                return Next::Submit(recv.build().user_data(token));
            }
        }
        let rest = &self.reply[self.sent..];
        let send = opcode::Send::new(self.fd(), rest.as_ptr(), rest.len() as u32);
        Next::Submit(send.build().user_data(token))
    }

    /// The operation in flight has completed with `result`: take in what it
    /// did. Returns false when it failed (logged).
    fn completed(&mut self, result: i32) -> bool {
        let sending = self.sent < self.reply.len();
        let Ok(n) = usize::try_from(result) else {
            let err = std::io::Error::from_raw_os_error(-result);
            err_ret(
                &err,
                if sending {
                    "writen error"
                } else {
                    "readline error"
                },
            );
            return false;
        };
        match (sending, n) {
            (true, n) => self.sent += n,
            (false, 0) => self.eof = true,
            // SAFETY: the recv that wrote these bytes has completed.
            (false, n) => self.input.extend_from_slice(unsafe { self.buf.lend(0..n) }),
        }
        true
    }

    fn fd(&self) -> types::Fd {
        types::Fd(self.sock.as_raw_fd())
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv14 [ <host> ] <port#>", false);
    let signals = SignalPipe::catch(STOP);
    let mut ring =
        IoUring::new(ENTRIES).unwrap_or_else(|err| err_sys(&err, "serv14: io_uring unavailable"));
    let listener = args.listen();
    let accept = opcode::Accept::new(
        types::Fd(listener.as_raw_fd()),
        ptr::null_mut(),
        ptr::null_mut(),
    )
    .flags(libc::SOCK_CLOEXEC)
    .build()
    .user_data(ACCEPT);
    let watch_signals =
        opcode::PollAdd::new(types::Fd(signals.as_fd().as_raw_fd()), libc::POLLIN as u32)
            .build()
            .user_data(SIGNALS);

    let mut conns: HashMap<u64, Conn> = HashMap::new();
    let mut next_token = FIRST_CONNECTION;
    let mut pause = AcceptPause::default();
    // No accept in flight: the last failed for want of descriptors.
    let mut accept_paused = false;
    push(&mut ring, &accept);
    push(&mut ring, &watch_signals);
    loop {
        match ring.submit_and_wait(1) {
            Ok(_) => {}
            // Interrupted, or completions waiting to be reaped first.
            Err(err) if matches!(err.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => {}
            Err(err) => err_sys(&err, "io_uring_enter error"),
        }
        let completed: Vec<(u64, i32)> = ring
            .completion()
            .map(|cqe| (cqe.user_data(), cqe.result()))
            .collect();
        for (token, result) in completed {
            let next = match token {
                ACCEPT => {
                    if result >= 0 {
                        // SAFETY: a successful accept returns a new
                        // descriptor that nothing else owns.
                        let sock = unsafe { Socket::from_raw_fd(result) };
                        let mut conn = Conn {
                            sock,
                            buf: LentBuf::new(MAXLINE),
                            input: Vec::new(),
                            eof: false,
                            reply: &[],
                            sent: 0,
                        };
                        if let Next::Submit(recv) = conn.next(next_token) {
                            push(&mut ring, &recv);
                        }
                        conns.insert(next_token, conn);
                        next_token += 1;
                        pause.accepted();
                    } else {
                        let err = std::io::Error::from_raw_os_error(-result);
                        if pause.pauses_for(&err) {
                            accept_paused = true;
                            continue;
                        }
                        if !unp::wrap::is_aborted_connection(&err) {
                            err_sys(&err, "accept error");
                        }
                    }
                    Next::Submit(accept.clone())
                }
                SIGNALS => {
                    if signals.take().stop() {
                        pr_cpu_time();
                        std::process::exit(0);
                    }
                    Next::Submit(watch_signals.clone())
                }
                token => match conns.get_mut(&token) {
                    Some(conn) => match conn.completed(result) {
                        true => conn.next(token),
                        false => Next::Close,
                    },
                    None => Next::Close,
                },
            };
            match next {
                Next::Submit(entry) => push(&mut ring, &entry),
                // Nothing of it is in flight any more.
                Next::Close => {
                    drop(conns.remove(&token));
                    if std::mem::take(&mut accept_paused) {
                        push(&mut ring, &accept);
                    }
                }
            }
        }
    }
}

/// Queue `entry`, submitting what is queued first if the queue is full.
fn push(ring: &mut IoUring, entry: &squeue::Entry) {
    // SAFETY: every entry queued here points at a descriptor and a buffer
    // that stay alive until its completion is reaped (see `Conn::next`).
    while unsafe { ring.submission().push(entry) }.is_err() {
        ring.submit().or_die("io_uring_enter error");
    }
}
