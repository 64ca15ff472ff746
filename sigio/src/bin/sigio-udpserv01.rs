//! Figures 25.3–25.6, `sigio/udpserv01.c` with `sigio/dgecho01.c`: the UDP
//! echo server driven by `SIGIO`, signal-driven I/O (§6.2 model 4, §25.3).
//!
//! The kernel raises `SIGIO` when a datagram arrives; the handler `sig_io`
//! drains the nonblocking socket into a queue of 8 datagrams and returns; the
//! main loop keeps `SIGIO` blocked, `sigsuspend`s while the queue is empty,
//! and sends the replies with `SIGIO` unblocked, so that datagrams keep being
//! read while it sends. `SIGHUP` prints how many datagrams each `SIGIO` found
//! (`cntread[0] = N` ... `cntread[8] = N`): several datagrams per signal, and
//! signals that find nothing, because pending signals are not queued (§25.3).
//! A full queue stops the server with `receive overflow`.
//!
//! Run: `sigio-udpserv01` (port 9877) or `sigio-udpserv01 40000`; feed it
//! with several `sigio-udpcli01 127.0.0.1 40000 < file` at once (the book's
//! `script.1` starts six), then `kill -HUP` it.
//!
//! How the queue stays sound in Rust: it is a `static` array of slots, each
//! in an `UnsafeCell`, shared by `main` and a handler that may interrupt
//! `main` between any two instructions (the process has one thread, and
//! `F_SETOWN` sends `SIGIO` to it). Each slot has one owner at a time. A free
//! slot belongs to the handler, which fills slot `IPUT` and then hands it
//! over by incrementing `NQUEUE` (release). A queued slot belongs to `main`,
//! which reads slot `iget` only after seeing `NQUEUE > 0` (acquire), and
//! hands it back by decrementing `NQUEUE` with `SIGIO` blocked. While `main`
//! sends from slot `iget` with `SIGIO` unblocked, the handler can only write
//! slot `IPUT`, which is a different slot: it is `iget + NQUEUE` (mod 8) and
//! `NQUEUE` is between 1 and 7 whenever the handler writes. No `&mut` to a
//! slot ever coexists with another reference to it.
//!
//! Differences from the C, each for the Rust rules of signal handlers
//! (async-signal-safe calls and atomics only, no allocation, no locks): the
//! slots are fixed arrays instead of `malloc`ed buffers; the counters are
//! atomics; `sig_hup` formats its lines with `unp::signal::write_in_handler`
//! instead of `printf`; and the handler's fatal errors (`receive overflow`,
//! `recvfrom error: ...`) are written with `write(2)` and end the process
//! with `_exit(2)`, where the C calls `err_quit` and `exit`, which are not
//! safe in a handler. `O_ASYNC | O_NONBLOCK` with `fcntl(F_SETFL)` replaces
//! the `FIOASYNC` and `FIONBIO` ioctls (the same two flags); `F_SETOWN`,
//! which nix lacks, is the one direct libc call. The optional port argument.

use std::cell::UnsafeCell;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{sigprocmask, SigHandler, SigSet, SigmaskHow, Signal};
use nix::sys::socket::{recvfrom, sendto, MsgFlags, SockaddrStorage};
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{decimal, signal, write_in_handler};
use unp::{book_args, wrap, OrDie, SERV_PORT};

/// Size of the input queue.
const QSIZE: usize = 8;
/// Largest datagram kept; longer ones are cut, as in the C.
const MAXDG: usize = 4096;

/// One received datagram and its sender.
struct Datagram {
    data: [u8; MAXDG],
    len: usize,
    from: Option<SockaddrStorage>,
}

/// The queue of datagrams the handler has read and `main` has not yet
/// answered. See the module comment for who may touch which slot when.
struct Queue([UnsafeCell<Datagram>; QSIZE]);

// SAFETY: the one thread and its signal handler share the slots under the
// ownership protocol of the module comment, with NQUEUE as the hand-over.
unsafe impl Sync for Queue {}

static DG: Queue = Queue(
    [const {
        UnsafeCell::new(Datagram {
            data: [0; MAXDG],
            len: 0,
            from: None,
        })
    }; QSIZE],
);
/// Datagrams read per `SIGIO`: `CNTREAD[n]` signals read `n` datagrams.
static CNTREAD: [AtomicU64; QSIZE + 1] = [const { AtomicU64::new(0) }; QSIZE + 1];
/// The next slot the handler reads into (the handler's alone).
static IPUT: AtomicUsize = AtomicUsize::new(0);
/// How many slots are queued for `main`.
static NQUEUE: AtomicUsize = AtomicUsize::new(0);
/// The socket, for the handler.
static SOCKFD: AtomicI32 = AtomicI32::new(-1);

fn main() {
    let (_, port) = book_args("usage: udpserv01 [port]", 0, SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&sockfd, &SockAddr::from(servaddr));
    dg_echo(sockfd);
}

fn dg_echo(sockfd: Socket) -> ! {
    let fd = sockfd.as_raw_fd();
    SOCKFD.store(fd, Ordering::Relaxed);

    signal(Signal::SIGHUP, SigHandler::Handler(sig_hup));
    signal(Signal::SIGIO, SigHandler::Handler(sig_io));
    // SAFETY: F_SETOWN takes an int (our pid) and touches no memory.
    if unsafe { libc::fcntl(fd, libc::F_SETOWN, libc::getpid()) } < 0 {
        unp::err_sys(&std::io::Error::last_os_error(), "fcntl error");
    }
    let flags = OFlag::from_bits_retain(fcntl(&sockfd, FcntlArg::F_GETFL).or_die("fcntl error"));
    fcntl(
        &sockfd,
        FcntlArg::F_SETFL(flags | OFlag::O_ASYNC | OFlag::O_NONBLOCK),
    )
    .or_die("fcntl error");

    let zeromask = SigSet::empty();
    let mut newmask = SigSet::empty();
    let mut oldmask = SigSet::empty();
    newmask.add(Signal::SIGIO);

    let mut iget = 0;
    sigprocmask(SigmaskHow::SIG_BLOCK, Some(&newmask), Some(&mut oldmask))
        .or_die("sigprocmask error");
    loop {
        while NQUEUE.load(Ordering::Acquire) == 0 {
            zeromask.suspend().or_die("sigsuspend error");
        }
        sigprocmask(SigmaskHow::SIG_SETMASK, Some(&oldmask), None).or_die("sigprocmask error");

        // SAFETY: slot `iget` is queued, so it is main's until NQUEUE is
        // decremented below; the handler writes only other slots.
        let dg = unsafe { &*DG.0[iget].get() };
        if let Some(from) = &dg.from {
            sendto(fd, &dg.data[..dg.len], from, MsgFlags::empty()).or_die("sendto error");
        }
        iget = (iget + 1) % QSIZE;

        sigprocmask(SigmaskHow::SIG_BLOCK, Some(&newmask), Some(&mut oldmask))
            .or_die("sigprocmask error");
        NQUEUE.fetch_sub(1, Ordering::Release);
    }
}

/// Read every datagram waiting on the socket into the queue. Runs only while
/// `main` has `SIGIO` unblocked (in `sigsuspend` or `sendto`).
extern "C" fn sig_io(_signo: libc::c_int) {
    let saved = Errno::last_raw();
    let fd: RawFd = SOCKFD.load(Ordering::Relaxed);
    let mut nread = 0;
    loop {
        if NQUEUE.load(Ordering::Acquire) >= QSIZE {
            die_in_handler(&[b"receive overflow\n"]);
        }
        let iput = IPUT.load(Ordering::Relaxed);
        // SAFETY: NQUEUE < QSIZE, so slot `iput` is free and the handler's;
        // main only reads queued slots.
        let dg = unsafe { &mut *DG.0[iput].get() };
        match recvfrom::<SockaddrStorage>(fd, &mut dg.data) {
            Ok((len, from)) => {
                dg.len = len;
                dg.from = from;
            }
            Err(Errno::EAGAIN) => break,
            Err(err) => die_in_handler(&[b"recvfrom error: ", err.desc().as_bytes(), b"\n"]),
        }
        nread += 1;
        IPUT.store((iput + 1) % QSIZE, Ordering::Relaxed);
        NQUEUE.fetch_add(1, Ordering::Release);
    }
    CNTREAD[nread].fetch_add(1, Ordering::Relaxed);
    Errno::set_raw(saved);
}

/// Print the histogram of datagrams read per signal.
extern "C" fn sig_hup(_signo: libc::c_int) {
    for (i, count) in CNTREAD.iter().enumerate() {
        let (mut ibuf, mut nbuf) = ([0; 20], [0; 20]);
        let i = decimal(i as i64, &mut ibuf);
        let n = decimal(count.load(Ordering::Relaxed) as i64, &mut nbuf);
        write_in_handler(libc::STDOUT_FILENO, &[b"cntread[", i, b"] = ", n, b"\n"]);
    }
}

/// The handler's `err_quit`: the message with `write(2)`, then `_exit(2)`,
/// both async-signal-safe.
fn die_in_handler(parts: &[&[u8]]) -> ! {
    write_in_handler(libc::STDERR_FILENO, parts);
    // SAFETY: _exit ends the process at once, without running any Rust or
    // libc clean-up that a handler must not run.
    unsafe { libc::_exit(1) }
}
