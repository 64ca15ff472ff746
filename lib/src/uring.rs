//! The io_uring loop of the workspace (uringserv02, serv14, httpd-uring):
//! a TCP server on the modern interface, protocol-agnostic. A
//! [`Connection`] says what to do with the bytes that arrive; this loop
//! does every operation.
//!
//! What it uses, and why:
//! - **multishot accept** (`IORING_ACCEPT_MULTISHOT`): one request accepts
//!   connection after connection, each a completion;
//! - **multishot recv into a provided buffer ring** (`IORING_RECV_MULTISHOT`,
//!   `IORING_REGISTER_PBUF_RING`): one request per connection for its whole
//!   life; the kernel picks a buffer from a ring of [`Config::buffers`]
//!   buffers shared with us when data arrives, so an idle connection holds
//!   no buffer. A buffer goes back to the ring when its bytes are no longer
//!   needed: at once, or after the send of those very bytes has completed
//!   ([`Out::echo`], no copy);
//! - **sends of exactly the bytes received**, one in flight per connection,
//!   a short send continued from where it stopped; or of bytes the protocol
//!   owns ([`Out::send_owned`]), or of a file ([`Out::send_file`]);
//! - **`SINGLE_ISSUER | DEFER_TASKRUN`**: completions are produced only when
//!   this one thread enters the kernel to reap them, with no interrupting
//!   task work in between; refused (before Linux 6.1), the loop says so on
//!   stderr and runs without;
//! - **completions reaped in batches, one `io_uring_enter(2)` per batch**
//!   (it submits everything queued while handling the last batch and waits
//!   for the next).
//!
//! Not used: registered (direct) descriptors for connections. A direct
//! descriptor lives in the ring's table, not the process's, so the
//! process's descriptor limit and every tool that reads `/proc/PID/fd`
//! would no longer see the connections, and closing one takes another
//! operation; for one thread on one ring the saving (a reference count per
//! operation) is small.
//!
//! The cases a multishot design must handle:
//! - a multishot recv that ends without `IORING_CQE_F_MORE` (the kernel
//!   stops it: out of buffers (`ENOBUFS`), a full completion queue) is
//!   re-armed; after `ENOBUFS`, once a buffer is back in the ring;
//! - a connection whose sends fall behind (a client that does not read)
//!   holds at most [`MAX_QUEUED`] received buffers: then its recv is
//!   cancelled until its sends drain, so it cannot take every buffer and
//!   starve the others;
//! - a connection is closed only when no operation of it is in flight: a
//!   multishot recv is cancelled first (`IORING_OP_ASYNC_CANCEL`) and its
//!   last completion awaited;
//! - out of descriptors, the accept stops ([`AcceptPause`]: said at most once every 10 s) and
//!   is queued again when a connection closes.
//!
//! # Files
//!
//! io_uring has no `sendfile(2)`. A file ([`Out::send_file`]) is read with
//! [`pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html) in the
//! loop, [`FILE_PIECE`] bytes at a time, into a buffer of the connection,
//! and that buffer is sent; the first piece goes into the buffer that holds
//! the response head, so a small file and its head leave in one send. The
//! other way, `IORING_OP_SPLICE` from the file into a pipe and from the
//! pipe into the socket, saves that copy but costs a pipe (two descriptors)
//! per connection and two linked operations per piece; the files a web
//! server sends most are small and in the page cache, where the `pread`
//! never waits for a disk and the copy is a few hundred bytes.
//!
//! # Deadlines
//!
//! A protocol may give its connection a deadline ([`Out::deadline`]): past
//! it the connection is closed, whatever is in flight cancelled (a client
//! too slow to send its request, or one that stops reading). One timeout
//! request, for the earliest deadline, is armed at a time; when it fires the
//! loop closes every connection past its deadline and arms the next. A loop
//! whose protocol sets no deadline (the echo servers) never arms one.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Instant;

use io_uring::{cqueue, opcode, squeue, types, IoUring};
use socket2::Socket;

use crate::event::{AcceptPause, IdMap};
use crate::{err_msg, err_sys};

/// Received buffers a connection may hold, waiting to be sent, before its
/// recv is stopped.
pub const MAX_QUEUED: usize = 8;

/// The most bytes of a file read into memory at a time for its send.
pub const FILE_PIECE: usize = 64 * 1024;

/// The buffer group of the loop's buffer ring.
const GROUP: u16 = 0;

/// What a completion's `user_data` is about: the low 3 bits.
const ACCEPT: u64 = 0;
const RECV: u64 = 1;
const SEND: u64 = 2;
const CANCEL: u64 = 3;
const POLL: u64 = 4;
const TIMER: u64 = 5;

/// How the loop is built.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Submission queue entries (the completion queue gets 8 times as many).
    pub entries: u32,
    /// Buffers in the ring (a power of 2, at most 32768).
    pub buffers: u16,
    /// Bytes per buffer.
    pub buffer_size: u32,
    /// Say on stderr when the buffers run out (the tests' tiny rings).
    pub trace: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            entries: 1024,
            buffers: 1024,
            buffer_size: crate::MAXLINE as u32,
            trace: false,
        }
    }
}

/// A connection's protocol: what to do with the bytes that arrive.
pub trait Connection {
    /// The connection has just been accepted (a protocol that wants a
    /// first deadline sets it here).
    fn accepted(&mut self, out: &mut Out) {
        let _ = out;
    }
    /// `data` has arrived; answer through `out`.
    fn received(&mut self, data: &[u8], out: &mut Out);
    /// The client has closed its side (end of file); after what is queued
    /// here is sent, the connection closes.
    fn end_of_file(&mut self, out: &mut Out) {
        let _ = out;
    }
}

/// Bytes waiting to be sent.
enum Chunk {
    /// `len` bytes of ring buffer `bid`, returned to the ring once sent.
    Received {
        bid: u16,
        len: usize,
    },
    Static(&'static [u8]),
    Owned(Vec<u8>),
    /// `buf` (the bytes given with the file, then each piece read), then
    /// the rest of `file` from `offset` to `end`.
    File {
        buf: Vec<u8>,
        file: File,
        offset: u64,
        end: u64,
    },
}

/// What a [`Connection`] asks for in answer.
#[derive(Default)]
pub struct Out {
    queue: Vec<Chunk>,
    echo: bool,
    close: bool,
    shut_write: bool,
    deadline: Option<Option<Instant>>,
}

impl Out {
    /// Send back exactly the bytes just received, from the ring buffer they
    /// arrived in (no copy); the buffer returns to the ring after the send.
    pub fn echo(&mut self) {
        self.echo = true;
    }

    /// Send `bytes`.
    pub fn send(&mut self, bytes: &'static [u8]) {
        if !bytes.is_empty() {
            self.queue.push(Chunk::Static(bytes));
        }
    }

    /// Send `bytes`, which the loop holds until they are sent.
    pub fn send_owned(&mut self, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            self.queue.push(Chunk::Owned(bytes));
        }
    }

    /// Send `head`, then the first `length` bytes of `file` (read a piece
    /// at a time: see [Files](self#files)).
    pub fn send_file(&mut self, head: Vec<u8>, file: File, length: u64) {
        self.queue.push(Chunk::File {
            buf: head,
            file,
            offset: 0,
            end: length,
        });
    }

    /// Read nothing more; close the connection once what is queued has
    /// been sent.
    pub fn close(&mut self) {
        self.close = true;
    }

    /// Once what is queued has been sent, shut down the sending side
    /// ([`shutdown(2)`](https://man7.org/linux/man-pages/man2/shutdown.2.html)
    /// `SHUT_WR`) and go on receiving (a server that refuses a request
    /// drains what the client still sends, so that its close does not
    /// reset the connection and destroy the answer).
    pub fn shut_write(&mut self) {
        self.shut_write = true;
    }

    /// Close the connection at `deadline` (`None`: no deadline), whatever
    /// it is doing then.
    pub fn deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = Some(deadline);
    }
}

/// One connection's state in the loop.
struct Conn<C> {
    sock: Socket,
    proto: C,
    /// Front: in flight (if `sending`), with `sent` bytes of it done.
    sends: VecDeque<Chunk>,
    sent: usize,
    sending: bool,
    /// A multishot recv is armed (its last completion not yet seen).
    receiving: bool,
    /// A cancel of that recv has been queued.
    cancelling: bool,
    /// Its recv ended for want of a buffer (`ENOBUFS`) and waits for one.
    starved: bool,
    eof: bool,
    /// Send nothing more; close once nothing is in flight.
    closing: bool,
    /// A cancel of the send in flight has been queued.
    cancelling_send: bool,
    /// Shut down the sending side once the queue is sent.
    shut_write: bool,
    deadline: Option<Instant>,
}

/// The provided buffer ring: memory for `buffers` buffers and the ring of
/// entries the kernel takes them from.
struct BufRing {
    entries: *mut types::BufRingEntry,
    layout: std::alloc::Layout,
    data: Vec<u8>,
    size: usize,
    mask: u16,
    tail: u16,
}

impl BufRing {
    fn new(ring: &IoUring, buffers: u16, size: u32) -> io::Result<BufRing> {
        if !buffers.is_power_of_two() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "buffers must be a power of 2",
            ));
        }
        let layout = std::alloc::Layout::from_size_align(
            usize::from(buffers) * std::mem::size_of::<types::BufRingEntry>(),
            4096,
        )
        .map_err(io::Error::other)?;
        // SAFETY: the layout has a non-zero size.
        let entries = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<types::BufRingEntry>();
        if entries.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        let mut bufs = BufRing {
            entries,
            layout,
            data: vec![0; usize::from(buffers) * size as usize],
            size: size as usize,
            mask: buffers - 1,
            tail: 0,
        };
        // SAFETY: the entries stay allocated, at this address, until the
        // ring is dropped, which unregisters them first.
        unsafe {
            ring.submitter()
                .register_buf_ring_with_flags(entries as u64, buffers, GROUP, 0)?
        };
        for bid in 0..buffers {
            bufs.stage(bid);
        }
        bufs.publish();
        Ok(bufs)
    }

    /// Put buffer `bid` in the next free entry (seen by the kernel at the
    /// next [`publish`](BufRing::publish)).
    fn stage(&mut self, bid: u16) {
        // SAFETY: the index is masked into the allocated entries, and the
        // kernel reads only entries below the published tail.
        let entry = unsafe { &mut *self.entries.add(usize::from(self.tail & self.mask)) };
        let addr = self.data[usize::from(bid) * self.size..].as_ptr();
        entry.set_addr(addr as u64);
        entry.set_len(self.size as u32);
        entry.set_bid(bid);
        self.tail = self.tail.wrapping_add(1);
    }

    /// Let the kernel see the staged entries.
    fn publish(&self) {
        // SAFETY: the tail field lives in the first entry, which is
        // allocated, and is only written here; the kernel reads it.
        let tail = unsafe { &*types::BufRingEntry::tail(self.entries).cast::<AtomicU16>() };
        tail.store(self.tail, Ordering::Release);
    }

    /// The first `len` bytes of buffer `bid`.
    fn get(&self, bid: u16, len: usize) -> &[u8] {
        let start = usize::from(bid) * self.size;
        &self.data[start..start + len]
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout; the ring (and so
        // the kernel's use of it) has gone first (see `Server`'s fields).
        unsafe { std::alloc::dealloc(self.entries.cast(), self.layout) };
    }
}

/// The loop: a ring, its buffers, the listening socket, the connections,
/// each made by `make`.
pub struct Server<C: Connection, F = fn() -> C> {
    // Dropped before `bufs`: the kernel stops using the buffers with it.
    ring: IoUring,
    bufs: BufRing,
    name: String,
    listener: Socket,
    /// An accept request is armed.
    accepting: bool,
    /// Out of descriptors: accept again only when a connection closes.
    accept_paused: bool,
    pause: AcceptPause,
    conns: IdMap<u64, Conn<C>>,
    next_id: u64,
    /// Connections whose recv waits for a buffer.
    starved: Vec<u64>,
    /// Buffers returned since the last publish.
    returned: bool,
    /// Descriptors watched by [`Server::watch`], by key.
    watched: HashMap<u64, RawFd>,
    trace: bool,
    told_starved: bool,
    make: F,
    /// The instant the armed timeout request fires, if one is armed.
    timer_at: Option<Instant>,
    /// The armed timeout's time, read by the kernel when it is submitted.
    timespec: types::Timespec,
    /// A connection's deadline was set earlier than `timer_at`.
    timer_due: Option<Instant>,
}

impl<C: Connection + Default> Server<C> {
    /// A ring and buffer ring per `config`, serving `listener` (`name`
    /// prefixes the notes), each connection's protocol `C::default()`.
    /// Fails where io_uring, or a provided buffer ring (Linux 5.19), is
    /// unavailable.
    pub fn new(name: &str, listener: Socket, config: Config) -> io::Result<Server<C>> {
        Server::with(name, listener, config, C::default)
    }
}

impl<C: Connection, F: FnMut() -> C> Server<C, F> {
    /// As [`Server::new`], each connection's protocol made by `make`.
    pub fn with(name: &str, listener: Socket, config: Config, make: F) -> io::Result<Self> {
        let mut builder = IoUring::builder();
        builder.setup_cqsize(config.entries * 8);
        let modern = builder
            .clone()
            .setup_single_issuer()
            .setup_defer_taskrun()
            .build(config.entries);
        let ring = match modern {
            Ok(ring) => ring,
            Err(err) if err.raw_os_error() == Some(libc::EINVAL) => {
                err_msg(format!(
                    "{name}: io_uring refused SINGLE_ISSUER|DEFER_TASKRUN ({err}); running without"
                ));
                builder.build(config.entries)?
            }
            Err(err) => return Err(err),
        };
        let bufs = BufRing::new(&ring, config.buffers, config.buffer_size)?;
        Ok(Server {
            ring,
            bufs,
            name: name.to_owned(),
            listener,
            accepting: false,
            accept_paused: false,
            pause: AcceptPause::default(),
            conns: IdMap::default(),
            next_id: 1,
            starved: Vec::new(),
            returned: false,
            watched: HashMap::new(),
            trace: config.trace,
            told_starved: false,
            make,
            timer_at: None,
            timespec: types::Timespec::new(),
            timer_due: None,
        })
    }

    /// Watch `fd` for reading (a multishot poll); `on_ready(key)` is called
    /// from [`run`](Server::run) each time it is readable.
    pub fn watch(&mut self, fd: RawFd, key: u64) {
        self.watched.insert(key, fd);
        let poll = opcode::PollAdd::new(types::Fd(fd), libc::POLLIN as u32)
            .multi(true)
            .build()
            .user_data(key << 3 | POLL);
        self.push(poll);
    }

    /// Serve for ever; `on_ready(key)` for a watched descriptor. Dies with
    /// `io_uring_enter error` if the ring fails.
    pub fn run(&mut self, mut on_ready: impl FnMut(u64)) -> ! {
        self.arm_accept();
        let mut completed: Vec<(u64, i32, u32)> = Vec::with_capacity(1024);
        loop {
            match self.ring.submit_and_wait(1) {
                Ok(_) => {}
                // Interrupted, or completions waiting to be reaped first.
                Err(err) if matches!(err.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => {}
                Err(err) => err_sys(&err, "io_uring_enter error"),
            }
            completed.extend(
                self.ring
                    .completion()
                    .map(|cqe| (cqe.user_data(), cqe.result(), cqe.flags())),
            );
            for &(user_data, result, flags) in &completed {
                let id = user_data >> 3;
                match user_data & 7 {
                    ACCEPT => self.accepted(result, flags),
                    RECV => self.received(id, result, flags),
                    SEND => self.sent(id, result),
                    POLL => {
                        if !cqueue::more(flags) {
                            // The kernel ended the multishot poll.
                            if let Some(&fd) = self.watched.get(&id) {
                                self.watch(fd, id);
                            }
                        }
                        on_ready(id);
                    }
                    TIMER => self.expire(),
                    _ => {} // a cancel's own completion
                }
            }
            completed.clear();
            self.feed_starved();
            self.arm_timer();
        }
    }

    fn arm_accept(&mut self) {
        let accept = opcode::AcceptMulti::new(types::Fd(self.listener.as_raw_fd()))
            .flags(libc::SOCK_CLOEXEC)
            .build()
            .user_data(ACCEPT);
        self.push(accept);
        self.accepting = true;
    }

    fn accepted(&mut self, result: i32, flags: u32) {
        self.accepting = cqueue::more(flags);
        if result >= 0 {
            // SAFETY: a successful accept returns a new descriptor that
            // nothing else owns.
            let sock = unsafe { Socket::from_raw_fd(result) };
            let id = self.next_id;
            self.next_id += 1;
            let conn = Conn {
                sock,
                proto: (self.make)(),
                sends: VecDeque::new(),
                sent: 0,
                sending: false,
                receiving: false,
                cancelling: false,
                starved: false,
                eof: false,
                closing: false,
                cancelling_send: false,
                shut_write: false,
                deadline: None,
            };
            self.conns.insert(id, conn);
            let mut out = Out::default();
            if let Some(conn) = self.conns.get_mut(&id) {
                conn.proto.accepted(&mut out);
            }
            self.arm_recv(id);
            self.answer(id, out);
        } else {
            let err = io::Error::from_raw_os_error(-result);
            if self.pause.pauses_for(&err) {
                self.accept_paused = true;
                if self.accepting {
                    self.push(opcode::AsyncCancel::new(ACCEPT).build().user_data(CANCEL));
                }
            } else if !crate::wrap::is_aborted_connection(&err)
                && err.raw_os_error() != Some(libc::ECANCELED)
            {
                err_sys(&err, "accept error");
            }
        }
        if !self.accepting && !self.accept_paused {
            self.arm_accept();
        }
    }

    fn arm_recv(&mut self, id: u64) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        conn.receiving = true;
        conn.cancelling = false;
        let recv = opcode::RecvMulti::new(types::Fd(conn.sock.as_raw_fd()), GROUP)
            .build()
            .user_data(id << 3 | RECV);
        self.push(recv);
    }

    fn received(&mut self, id: u64, result: i32, flags: u32) {
        let bid = cqueue::buffer_select(flags);
        let Some(conn) = self.conns.get_mut(&id) else {
            if let Some(bid) = bid {
                self.give_back(bid);
            }
            return;
        };
        conn.receiving = cqueue::more(flags);
        let mut out = Out::default();
        match (result, bid) {
            (n, Some(bid)) if n > 0 => {
                let len = n as usize;
                if !conn.closing && !conn.eof {
                    conn.proto.received(self.bufs.get(bid, len), &mut out);
                }
                if out.echo {
                    conn.sends.push_back(Chunk::Received { bid, len });
                } else {
                    self.give_back(bid);
                }
            }
            (0, _) => {
                conn.eof = true;
                conn.proto.end_of_file(&mut out);
            }
            (err, _) if err == -libc::ENOBUFS => {
                conn.starved = true;
                self.starved.push(id);
                if self.trace && !self.told_starved {
                    err_msg(format!(
                        "{}: out of receive buffers; recv re-armed when one is back",
                        self.name
                    ));
                    self.told_starved = true;
                }
            }
            (err, _) if err == -libc::ECANCELED => {}
            _ => conn.closing = true, // ECONNRESET and friends
        }
        self.answer(id, out);
    }

    /// Queue what the protocol asked for, send, and move the connection on.
    fn answer(&mut self, id: u64, out: Out) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        conn.sends.extend(out.queue);
        conn.eof |= out.close;
        conn.shut_write |= out.shut_write;
        if let Some(deadline) = out.deadline {
            conn.deadline = deadline;
            if let Some(at) = deadline {
                if self.timer_at.map_or(true, |armed| at < armed) {
                    self.timer_due = Some(self.timer_due.map_or(at, |due| due.min(at)));
                }
            }
        }
        self.send_next(id);
        self.after(id);
    }

    /// Arm the timeout request for the earliest deadline set in this batch
    /// if it comes before the one armed (once per batch: the kernel reads
    /// `timespec` at the submission that follows).
    fn arm_timer(&mut self) {
        let Some(at) = self.timer_due.take() else {
            return;
        };
        self.timespec = types::Timespec::from(at.saturating_duration_since(Instant::now()));
        let timeout = opcode::Timeout::new(&self.timespec)
            .build()
            .user_data(TIMER);
        self.timer_at = Some(at);
        self.push(timeout);
    }

    /// A timeout request has fired: close every connection past its
    /// deadline, and have the timer armed for the next deadline.
    fn expire(&mut self) {
        let now = Instant::now();
        self.timer_at = None;
        let mut late = Vec::new();
        let mut next: Option<Instant> = None;
        for (&id, conn) in &mut self.conns {
            match conn.deadline {
                Some(at) if at <= now => {
                    conn.deadline = None;
                    conn.closing = true;
                    late.push(id);
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        for id in late {
            self.after(id);
        }
        if let Some(at) = next {
            self.timer_due = Some(self.timer_due.map_or(at, |due| due.min(at)));
        }
    }

    fn send_next(&mut self, id: u64) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if conn.sending || conn.closing {
            return;
        }
        if let Some(Chunk::File { .. }) = conn.sends.front() {
            if Self::read_piece(conn).is_err() {
                conn.closing = true;
                return;
            }
        }
        let Some(chunk) = conn.sends.front() else {
            return;
        };
        let bytes = match chunk {
            Chunk::Received { bid, len } => &self.bufs.get(*bid, *len)[conn.sent..],
            Chunk::Static(bytes) => &bytes[conn.sent..],
            Chunk::Owned(bytes) | Chunk::File { buf: bytes, .. } => &bytes[conn.sent..],
        };
        let send = opcode::Send::new(
            types::Fd(conn.sock.as_raw_fd()),
            bytes.as_ptr(),
            bytes.len() as u32,
        )
        .flags(libc::MSG_NOSIGNAL)
        .build()
        .user_data(id << 3 | SEND);
        conn.sending = true;
        self.push(send);
    }

    /// The file at the front of `conn`'s queue: once its buffer is all
    /// sent, read the next piece into it (the first piece tops up the head
    /// given with it); a file all sent leaves the queue.
    fn read_piece(conn: &mut Conn<C>) -> io::Result<()> {
        let Some(Chunk::File {
            buf,
            file,
            offset,
            end,
        }) = conn.sends.front_mut()
        else {
            return Ok(());
        };
        if conn.sent == buf.len() {
            buf.clear();
            conn.sent = 0;
        }
        if buf.len() < FILE_PIECE && *offset < *end {
            let start = buf.len();
            let want = (FILE_PIECE - start).min((*end - *offset) as usize);
            buf.resize(start + want, 0);
            let got = loop {
                match file.read_at(&mut buf[start..], *offset) {
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    other => break other,
                }
            };
            buf.truncate(start + *got.as_ref().unwrap_or(&0));
            match got? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()), // the file shrank
                n => *offset += n as u64,
            }
        }
        if buf.is_empty() {
            conn.sends.pop_front();
        }
        Ok(())
    }

    fn sent(&mut self, id: u64, result: i32) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        conn.sending = false;
        conn.cancelling_send = false;
        match usize::try_from(result) {
            Ok(n) => {
                conn.sent += n;
                let done = match conn.sends.front() {
                    Some(Chunk::Received { len, .. }) => conn.sent >= *len,
                    Some(Chunk::Static(bytes)) => conn.sent >= bytes.len(),
                    Some(Chunk::Owned(bytes)) => conn.sent >= bytes.len(),
                    // The next piece is read when the next send starts.
                    Some(Chunk::File {
                        buf, offset, end, ..
                    }) => conn.sent >= buf.len() && offset >= end,
                    None => false,
                };
                if done {
                    conn.sent = 0;
                    if let Some(Chunk::Received { bid, .. }) = conn.sends.pop_front() {
                        self.give_back(bid);
                    }
                }
            }
            Err(_) => conn.closing = true, // EPIPE, ECONNRESET, a cancel: the client has gone
        }
        self.send_next(id);
        self.after(id);
    }

    /// After any completion of connection `id`: stop its recv while its
    /// send queue is long, restart it once the queue is empty, and close it
    /// when it is finished and nothing of it is in flight.
    fn after(&mut self, id: u64) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let drained = conn.sends.is_empty() && !conn.sending;
        if conn.eof && drained {
            conn.closing = true;
        }
        if conn.shut_write && drained && !conn.closing {
            conn.shut_write = false;
            let _ = conn.sock.shutdown(std::net::Shutdown::Write);
        }
        // A send stuck on a client that does not read is cancelled.
        let cancel_send = conn.closing && conn.sending && !conn.cancelling_send;
        conn.cancelling_send |= cancel_send;
        let stop = conn.closing || conn.eof || conn.sends.len() >= MAX_QUEUED;
        let cancel_recv = conn.receiving && stop && !conn.cancelling;
        conn.cancelling |= cancel_recv;
        let finished = conn.closing && !conn.receiving && !conn.sending;
        let rearm = !conn.closing && drained && !conn.receiving && !conn.starved && !conn.eof;
        for (cancel, what) in [(cancel_send, SEND), (cancel_recv, RECV)] {
            if cancel {
                let cancel = opcode::AsyncCancel::new(id << 3 | what)
                    .build()
                    .user_data(id << 3 | CANCEL);
                self.push(cancel);
            }
        }
        if finished {
            self.drop_conn(id);
        } else if rearm {
            self.arm_recv(id); // a multishot recv that ended, or was stopped
        }
    }

    /// Close connection `id`, nothing of it in flight; its held buffers go
    /// back to the ring. A paused accept starts again.
    fn drop_conn(&mut self, id: u64) {
        let Some(conn) = self.conns.remove(&id) else {
            return;
        };
        for chunk in conn.sends {
            if let Chunk::Received { bid, .. } = chunk {
                self.give_back(bid);
            }
        }
        if std::mem::take(&mut self.accept_paused) && !self.accepting {
            self.arm_accept();
        }
    }

    fn give_back(&mut self, bid: u16) {
        self.bufs.stage(bid);
        self.returned = true;
    }

    /// Publish the buffers returned in this batch, and move on the
    /// connections whose recv was out of them.
    fn feed_starved(&mut self) {
        if !std::mem::take(&mut self.returned) {
            return;
        }
        self.bufs.publish();
        for id in std::mem::take(&mut self.starved) {
            if let Some(conn) = self.conns.get_mut(&id) {
                conn.starved = false;
                self.after(id);
            }
        }
    }

    /// Queue `entry`, submitting what is queued first if the queue is full.
    fn push(&mut self, entry: squeue::Entry) {
        // SAFETY: every entry queued here points at a descriptor and a
        // buffer that stay alive until its completion is reaped: sockets
        // are dropped only with nothing in flight (`after`), the static
        // replies live for ever, ring buffers return to the ring only
        // after their send completes, owned bytes and file pieces stay in
        // their connection's queue, neither moved nor grown, until their
        // send completes, and the kernel reads the timer's `timespec` when
        // the entry is submitted, before the next batch can change it.
        while unsafe { self.ring.submission().push(&entry) }.is_err() {
            self.ring
                .submit()
                .unwrap_or_else(|err| err_sys(&err, "io_uring_enter error"));
        }
    }
}
