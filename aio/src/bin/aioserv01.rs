//! Not in the book: a TCP echo server on POSIX asynchronous I/O, the fifth
//! I/O model of §6.2 (Figure 6.5), which the book describes but never shows.
//!
//! For each connection it starts an `aio_read(3)` and goes on; when the read
//! is done the bytes are already in the connection's buffer, and it starts
//! an `aio_write(3)` of them; when that is done, the next `aio_read`. It
//! never blocks in `read` or `write`: it waits in one place, `sigwait(3)`,
//! for the signal every operation raises when it completes (`SIGEV_SIGNAL`,
//! here `SIGUSR1`), asks each operation in flight whether it is done
//! (`aio_error(3)`) and collects those that are (`aio_return(3)`).
//!
//! What glibc does underneath: Linux has no asynchronous socket read behind
//! POSIX aio, so glibc's aio is a thread pool inside the process. `aio_read`
//! queues the request and wakes or creates a thread, which makes the
//! blocking call (`pread`, which fails with `ESPIPE` on a socket, then
//! `read`) and then queues the signal. So every connection waiting for data
//! holds a thread blocked in `read`: a thread per connection behind an
//! asynchronous interface, each round trip paying thread hand-offs (futex
//! wake-ups, a queued signal per operation, threads started and ended as the
//! pool breathes) and several times the system calls of `epoll`. That is why
//! io_uring, the kernel's own asynchronous interface (`uringserv01`), exists.
//!
//! The choices, and why:
//! - glibc runs at most 20 aio threads unless told otherwise, and the 21st
//!   idle client's read would wait for a thread that never comes free:
//!   `aio_init(3)` (a GNU extension nix and libc do not bind, hence the one
//!   `extern` declaration) raises the limit to the descriptor limit.
//! - aio has no `accept`: a thread blocks in `accept(2)` and hands each new
//!   connection over a channel, then sends the process the same signal, so
//!   the main loop still waits in one place. (Polling a nonblocking accept
//!   between `aio_suspend` timeouts would add up to a timeout of latency to
//!   every connection.) Out of descriptors (`EMFILE`) it prints `accept
//!   error: Too many open files` once and waits for the main loop to close
//!   a connection before it accepts again. aio has no `recvfrom` either, so a UDP echo server
//!   could not learn whom to answer: there is none.
//! - The signal is blocked in every thread and taken with `sigwait`, never
//!   by a handler, so no code runs in signal context. Standard signals do
//!   not queue: one `SIGUSR1` may stand for many completions, so each
//!   wake-up checks every operation in flight, O(n) as with `select`.
//! - One operation at a time per connection, so a connection is closed only
//!   when nothing is in flight on it: no buffer is freed and no descriptor
//!   closed under a running operation ([`Conn::advance`]).
//!
//! Run: `aioserv01 [port]` (default 9877) and `tcpcli01 127.0.0.1 [port]`.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::pin::Pin;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use aio::BUFSIZE;
use nix::errno::Errno;
use nix::sys::aio::{Aio, AioRead, AioWrite};
use nix::sys::resource::{getrlimit, Resource};
use nix::sys::signal::{kill, SigSet, SigevNotify, Signal};
use nix::unistd::getpid;
use socket2::Socket;
use unp::event::AcceptPause;
use unp::lent::LentBuf;
use unp::{book_args, err_ret, err_sys, tcp_listen, wrap, OrDie, SERV_PORT};

/// The signal each completed operation raises; the accept thread sends it
/// too.
const COMPLETION: Signal = Signal::SIGUSR1;

/// The operation in flight on a connection.
enum Op {
    Read(Pin<Box<AioRead<'static>>>),
    /// Echoing `buf[from..len]`.
    Write {
        op: Pin<Box<AioWrite<'static>>>,
        from: usize,
        len: usize,
    },
}

/// A connection: its one operation in flight, and the buffer and socket
/// that operation uses. `op` comes first so that it is dropped first.
struct Conn {
    op: Op,
    buf: LentBuf,
    sock: Socket,
}

fn main() {
    let (_, port) = book_args("usage: aioserv01 [port]", 0, SERV_PORT);
    let listenfd = tcp_listen(None, &port.to_string());
    allow_aio_threads();
    let mut completion = SigSet::empty();
    completion.add(COMPLETION);
    // Before any thread starts, so that every thread inherits the mask.
    completion.thread_block().or_die("sigprocmask error");

    let (newconns_tx, newconns) = mpsc::channel();
    // A connection closed: the accept thread, if out of descriptors, tries
    // again.
    let (freed_tx, freed) = mpsc::sync_channel(1);
    thread::Builder::new()
        .spawn(move || accept_loop(&listenfd, &newconns_tx, &freed))
        .or_die("pthread_create error");

    let mut conns: Vec<Conn> = Vec::new();
    loop {
        completion.wait().or_die("sigwait error");
        let arrived: Vec<Socket> = newconns.try_iter().collect();
        let open = conns.len() + arrived.len();
        conns.extend(arrived.into_iter().filter_map(Conn::start));
        conns.retain_mut(Conn::advance);
        if conns.len() < open {
            let _ = freed_tx.try_send(()); // full: a retry is due already
        }
    }
}

/// aio cannot accept: this thread blocks in `accept(2)`, hands each new
/// connection to the main loop and wakes it with the completion signal
/// (sent to the process, it waits, blocked everywhere, for `sigwait`). Out
/// of descriptors it says so (at most once every 10 s) and waits until the main loop closes a
/// connection (`freed`), the new connections waiting in the listen queue.
fn accept_loop(listenfd: &Socket, newconns: &Sender<Socket>, freed: &Receiver<()>) {
    let mut pause = AcceptPause::default();
    loop {
        match listenfd.accept() {
            Ok((connfd, _)) => {
                // The receiver lives as long as the process.
                let _ = newconns.send(connfd);
                kill(getpid(), COMPLETION).or_die("kill error");
            }
            Err(err) if wrap::is_aborted_connection(&err) => {}
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) if pause.pauses_for(&err) => {
                let _ = freed.recv();
            }
            Err(err) => err_sys(&err, "accept error"),
        }
    }
}

impl Conn {
    /// A connection with its first read in flight, or `None` (and a
    /// message) if the read cannot start.
    fn start(sock: Socket) -> Option<Conn> {
        let buf = LentBuf::new(BUFSIZE);
        match read(&sock, &buf) {
            Ok(op) => Some(Conn { op, buf, sock }),
            Err(err) => {
                err_ret(&err.into(), "aio_read error");
                None
            }
        }
    }

    /// If the operation in flight is done, collect it and start the next.
    /// Returns false when the connection is over (end of file, an error):
    /// nothing is in flight then, and the caller drops it, which closes it.
    fn advance(&mut self) -> bool {
        let next = match &mut self.op {
            Op::Read(op) => match done(op.as_mut()) {
                None => return true,
                Some(Ok(0) | Err(_)) => return false,
                Some(Ok(n)) => write(&self.sock, &self.buf, 0, n),
            },
            Op::Write { op, from, len } => match done(op.as_mut()) {
                None => return true,
                Some(Err(_)) => return false,
                Some(Ok(n)) if *from + n < *len => write(&self.sock, &self.buf, *from + n, *len),
                Some(Ok(_)) => read(&self.sock, &self.buf),
            },
        };
        match next {
            Ok(op) => {
                self.op = op;
                true
            }
            Err(err) => {
                err_ret(&err.into(), "aio error");
                false
            }
        }
    }
}

/// The result of a completed operation (`aio_return`), or `None` while it is
/// still in flight (`aio_error` gives `EINPROGRESS`).
fn done<A: Aio<Output = usize>>(mut op: Pin<&mut A>) -> Option<nix::Result<usize>> {
    match op.as_mut().error() {
        Err(Errno::EINPROGRESS) => None,
        _ => Some(op.aio_return()),
    }
}

fn notify() -> SigevNotify<'static> {
    SigevNotify::SigevSignal {
        signal: COMPLETION,
        si_value: 0,
    }
}

/// Start an `aio_read` of up to `BUFSIZE` bytes into the connection's buffer.
fn read(sock: &Socket, buf: &LentBuf) -> nix::Result<Op> {
    // SAFETY: the socket and the buffer belong to the connection that keeps
    // this operation; a connection is dropped only after its operation is
    // collected (Conn::advance), and nothing else uses the buffer meanwhile.
    let (fd, bytes) = unsafe {
        (
            BorrowedFd::borrow_raw(sock.as_raw_fd()),
            buf.lend(0..BUFSIZE),
        )
    };
    let mut op = Box::pin(AioRead::new(fd, 0, bytes, 0, notify()));
    op.as_mut().submit()?;
    Ok(Op::Read(op))
}

/// Start an `aio_write` of `buf[from..len]`.
fn write(sock: &Socket, buf: &LentBuf, from: usize, len: usize) -> nix::Result<Op> {
    // SAFETY: as in `read`.
    let (fd, bytes) = unsafe {
        (
            BorrowedFd::borrow_raw(sock.as_raw_fd()),
            buf.lend(from..len),
        )
    };
    let mut op = Box::pin(AioWrite::new(fd, 0, bytes, 0, notify()));
    op.as_mut().submit()?;
    Ok(Op::Write { op, from, len })
}

/// glibc's `struct aioinit`, the argument of `aio_init(3)`.
#[repr(C)]
#[derive(Default)]
struct AioInit {
    aio_threads: libc::c_int,
    aio_num: libc::c_int,
    aio_locks: libc::c_int,
    aio_usedba: libc::c_int,
    aio_debug: libc::c_int,
    aio_numusers: libc::c_int,
    aio_idle_time: libc::c_int,
    aio_reserved: libc::c_int,
}

extern "C" {
    fn aio_init(init: *const AioInit);
}

/// Let glibc run as many aio threads as the process may open descriptors,
/// one per connection with a read in flight, instead of its default 20.
fn allow_aio_threads() {
    let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).or_die("getrlimit error");
    let threads = libc::c_int::try_from(soft).unwrap_or(libc::c_int::MAX);
    let init = AioInit {
        aio_threads: threads,
        aio_num: threads,
        aio_idle_time: 1,
        ..AioInit::default()
    };
    // SAFETY: aio_init only reads the struct, laid out as glibc's, during
    // the call, before any aio request.
    unsafe { aio_init(&init) };
}
