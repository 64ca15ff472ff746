//! Not in the book: a TCP echo server on io_uring, asynchronous I/O (§6.2
//! model 5, Figure 6.5) done by the kernel itself.
//!
//! Two rings shared with the kernel: the process writes requests into the
//! submission queue (accept on the listening socket, recv and send on each
//! connection) and reads their results from the completion queue. One
//! system call, `io_uring_enter(2)` through `submit_and_wait`, hands over
//! every request queued since the last one and waits for at least one
//! completion; under load a single call carries many round trips. When a
//! recv completes, the bytes are already in the connection's buffer; the
//! server answers with a send of them, and after the send a new recv.
//!
//! Each completion carries the `user_data` of its request: the connection's
//! descriptor, or `ACCEPT` for the listening socket. A connection has one
//! request in flight at a time, and its buffer ([`unp::lent::LentBuf`]) and
//! socket live until that request's completion has been reaped: a client
//! that resets makes its recv or send complete with an error, and only then
//! is the connection closed, so nothing the kernel still uses is freed.
//!
//! Where io_uring is missing (kernels before 5.6, or `io_uring_setup`
//! refused by seccomp, as in many containers, or by
//! `kernel.io_uring_disabled`) the server says so and exits 1:
//! `uringserv01: io_uring unavailable: Operation not permitted`.
//!
//! Out of descriptors (`EMFILE`) it prints `accept error: Too many open
//! files` (at most once every 10 s) and queues no new accept until a connection closes.
//!
//! Run: `uringserv01 [port]` (default 9877) and `tcpcli01 127.0.0.1 [port]`.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::ptr;

use aio::BUFSIZE;
use io_uring::{cqueue, opcode, squeue, types, IoUring, Probe, SubmissionQueue, Submitter};
use socket2::Socket;
use unp::event::AcceptPause;
use unp::lent::LentBuf;
use unp::{book_args, err_quit, err_sys, tcp_listen, OrDie, SERV_PORT};

/// Submission queue entries; the completion queue gets twice as many.
const ENTRIES: u32 = 1024;
/// The `user_data` of the accept request.
const ACCEPT: u64 = u64::MAX;

/// A connection and what its request in flight is doing.
struct Conn {
    sock: Socket,
    buf: LentBuf,
    /// `None` while a recv is in flight; `Some((done, len))` while a send of
    /// `buf[done..len]` is.
    sending: Option<(usize, usize)>,
}

fn main() {
    let (_, port) = book_args("usage: uringserv01 [port]", 0, SERV_PORT);
    let mut ring = IoUring::new(ENTRIES)
        .unwrap_or_else(|err| err_sys(&err, "uringserv01: io_uring unavailable"));
    check_opcodes(&ring);
    let listenfd = tcp_listen(None, &port.to_string());
    let listen = types::Fd(listenfd.as_raw_fd());

    let (submitter, mut sq, mut cq) = ring.split();
    let mut conns: HashMap<RawFd, Conn> = HashMap::new();
    let mut acceptor = Acceptor {
        listen,
        pause: AcceptPause::default(),
        paused: false,
    };
    push(&submitter, &mut sq, &accept(listen));
    loop {
        sq.sync();
        match submitter.submit_and_wait(1) {
            Ok(_) => {}
            // Interrupted, or completions waiting to be reaped first.
            Err(err) if matches!(err.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => {}
            Err(err) => err_sys(&err, "io_uring_enter error"),
        }
        cq.sync();
        for cqe in &mut cq {
            match cqe.user_data() {
                ACCEPT => on_accept(&cqe, &mut conns, &submitter, &mut sq, &mut acceptor),
                fd => {
                    if !on_io(&cqe, fd as RawFd, &mut conns, &submitter, &mut sq) {
                        acceptor.resume(&submitter, &mut sq);
                    }
                }
            }
        }
        // Hand the reaped entries back to the kernel.
        cq.sync();
    }
}

/// The accept request, and whether it is stopped for want of descriptors.
struct Acceptor {
    listen: types::Fd,
    pause: AcceptPause,
    /// No accept is in flight: the last one failed with `EMFILE`.
    paused: bool,
}

impl Acceptor {
    /// A connection has closed: accept again if stopped.
    fn resume(&mut self, submitter: &Submitter, sq: &mut SubmissionQueue) {
        if std::mem::take(&mut self.paused) {
            push(submitter, sq, &accept(self.listen));
        }
    }
}

/// A new connection: keep it and start its first recv. Then accept again,
/// unless out of descriptors: then the accept waits for a connection to
/// close (`Acceptor::resume`).
fn on_accept(
    cqe: &cqueue::Entry,
    conns: &mut HashMap<RawFd, Conn>,
    submitter: &Submitter,
    sq: &mut SubmissionQueue,
    acceptor: &mut Acceptor,
) {
    match cqe.result() {
        fd if fd >= 0 => {
            // SAFETY: a successful accept returns a new descriptor that
            // nothing else owns.
            let sock = unsafe { Socket::from_raw_fd(fd) };
            let conn = Conn {
                sock,
                buf: LentBuf::new(BUFSIZE),
                sending: None,
            };
            push(submitter, sq, &recv(&conn));
            conns.insert(fd, conn);
        }
        err => {
            let err = std::io::Error::from_raw_os_error(-err);
            if acceptor.pause.pauses_for(&err) {
                acceptor.paused = true;
                return;
            }
            if !unp::wrap::is_aborted_connection(&err) {
                err_sys(&err, "accept error");
            }
        }
    }
    push(submitter, sq, &accept(acceptor.listen));
}

/// A recv or send of connection `fd` has completed: echo what was read,
/// finish a short send, read again after a send, or close the connection on
/// end of file or an error (nothing of it is in flight any more); returns
/// false when it closed.
fn on_io(
    cqe: &cqueue::Entry,
    fd: RawFd,
    conns: &mut HashMap<RawFd, Conn>,
    submitter: &Submitter,
    sq: &mut SubmissionQueue,
) -> bool {
    let Some(conn) = conns.get_mut(&fd) else {
        return true;
    };
    let n = match usize::try_from(cqe.result()) {
        Ok(n) if n > 0 => n,
        _ => {
            conns.remove(&fd);
            return false;
        }
    };
    conn.sending = match conn.sending {
        None => Some((0, n)),
        Some((done, len)) if done + n < len => Some((done + n, len)),
        Some(_) => None,
    };
    let next = match conn.sending {
        Some((done, len)) => send(conn, done, len),
        None => recv(conn),
    };
    push(submitter, sq, &next);
    true
}

fn accept(listen: types::Fd) -> squeue::Entry {
    opcode::Accept::new(listen, ptr::null_mut(), ptr::null_mut())
        .flags(libc::SOCK_CLOEXEC)
        .build()
        .user_data(ACCEPT)
}

/// A recv of up to `BUFSIZE` bytes into the connection's buffer.
fn recv(conn: &Conn) -> squeue::Entry {
    // SAFETY: the buffer is the kernel's until this request completes; the
    // connection, and so the buffer, is kept until then (`on_io`).
    let buf = unsafe { conn.buf.lend(0..BUFSIZE) };
    opcode::Recv::new(fd_of(conn), buf.as_mut_ptr(), BUFSIZE as u32)
        .build()
        .user_data(fd_of(conn).0 as u64)
}

/// A send of `buf[done..len]`.
fn send(conn: &Conn, done: usize, len: usize) -> squeue::Entry {
    // SAFETY: as in `recv`.
    let buf = unsafe { conn.buf.lend(done..len) };
    opcode::Send::new(fd_of(conn), buf.as_ptr(), buf.len() as u32)
        .build()
        .user_data(fd_of(conn).0 as u64)
}

fn fd_of(conn: &Conn) -> types::Fd {
    types::Fd(conn.sock.as_raw_fd())
}

/// Queue `entry`, first submitting what is queued if the queue is full.
fn push(submitter: &Submitter, sq: &mut SubmissionQueue, entry: &squeue::Entry) {
    // SAFETY: every entry built here points at a descriptor and a buffer
    // that stay alive until its completion is reaped (see `recv`).
    while unsafe { sq.push(entry) }.is_err() {
        sq.sync();
        submitter.submit().or_die("io_uring_enter error");
        sq.sync();
    }
}

/// Exit with the unavailable message if the kernel's io_uring lacks accept,
/// recv or send (it has them all from Linux 5.6, which also brought the
/// probe itself).
fn check_opcodes(ring: &IoUring) {
    let mut probe = Probe::new();
    if let Err(err) = ring.submitter().register_probe(&mut probe) {
        err_sys(&err, "uringserv01: io_uring unavailable");
    }
    for (code, name) in [
        (opcode::Accept::CODE, "accept"),
        (opcode::Recv::CODE, "recv"),
        (opcode::Send::CODE, "send"),
    ] {
        if !probe.is_supported(code) {
            err_quit(format!("uringserv01: io_uring unavailable: no {name}"));
        }
    }
}
