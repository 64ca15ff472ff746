//! Chapter 22 (`rtt/`): adding reliability to a UDP application.
//!
//! [`DgSendRecv::dg_send_recv`] (`rtt/dg_send_recv.c`, §22.5, Figures 22.7–22.8)
//! sends a request with a header of a sequence number and a timestamp,
//! waits for the reply that carries the same sequence number (a reply to
//! an earlier request, late or duplicated, is read and dropped), and
//! retransmits on a timeout, the timeout doubling each time, until
//! [`RTT_MAXNREXMT`] retransmissions; the RTT estimator of
//! [`unp::rtt`] (`lib/rtt.c`) learns from each reply the round-trip time of
//! the transmission it answers, from the timestamp the server echoes.
//! [`dg_cli`] (`rtt/dg_cli.c`, Figure 22.6) is Figure 8.8's client loop on
//! top of it.
//!
//! **The timeout.** The C arms `alarm(rtt_start())` after each send, and
//! its `SIGALRM` handler `siglongjmp`s back to the retransmission. Here
//! the wait is [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
//! on the socket until a deadline `rtt_start()` seconds after the send: no
//! signal, no jump out of a system call. As with the alarm, reading and
//! dropping a stale reply does not move the deadline.
//!
//! **The header** is the two `u32`s in the host's byte order, as the C
//! sends its `struct hdr`: only the client reads it, and the echo server
//! returns it untouched. With `RTT_DEBUG` defined (it is, in the book's
//! source) the function prints, on stderr, `send    1: ` followed by
//! `rtt_debug`'s line for each transmission, `recv    1` for each datagram
//! read, and the timeout messages.

use std::io::{self, IoSlice, IoSliceMut, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{recvmsg, MsgFlags};
use socket2::{SockAddr, Socket};
use unp::rtt::{RttInfo, RTT_D_FLAG};
use unp::{err_msg, err_quit, fgets, OrDie, MAXLINE};

pub use unp::rtt::RTT_MAXNREXMT;

/// The size of the header, `struct hdr { uint32_t seq; uint32_t ts; }`.
const HDR_LEN: usize = 8;

/// What the C keeps in `static`s between calls: the estimator, whether it
/// is initialised, and the header of the last request.
pub struct DgSendRecv {
    rttinfo: RttInfo,
    rttinit: bool,
    sendseq: u32,
}

impl Default for DgSendRecv {
    fn default() -> Self {
        DgSendRecv {
            rttinfo: RttInfo::rtt_init(),
            rttinit: false,
            sendseq: 0,
        }
    }
}

impl DgSendRecv {
    /// The book's `dg_send_recv`: send `outbuff` to `destaddr` on `fd`
    /// behind a new header, and read the reply's data into `inbuff`;
    /// returns its length. `ETIMEDOUT` after the last retransmission went
    /// unanswered (having said `dg_send_recv: no response from server,
    /// giving up`); the estimator starts afresh on the next call.
    pub fn dg_send_recv(
        &mut self,
        fd: &Socket,
        outbuff: &[u8],
        inbuff: &mut [u8],
        destaddr: &SockAddr,
    ) -> io::Result<usize> {
        if !self.rttinit {
            self.rttinfo = RttInfo::rtt_init(); // first time we're called
            self.rttinit = true;
            RTT_D_FLAG.store(true, Ordering::Relaxed);
        }

        self.sendseq = self.sendseq.wrapping_add(1);
        let mut recvhdr = [0u8; HDR_LEN];

        self.rttinfo.rtt_newpack(); // a new request
        'sendagain: loop {
            eprint!("send {:4}: ", self.sendseq);
            let sendts = self.rttinfo.rtt_ts();
            let sendhdr = [self.sendseq.to_ne_bytes(), sendts.to_ne_bytes()].concat();
            fd.send_to_vectored(&[IoSlice::new(&sendhdr), IoSlice::new(outbuff)], destaddr)
                .or_die("sendmsg error");

            // alarm(rtt_start()): the time this transmission may wait.
            let deadline = Instant::now() + Duration::from_secs(self.rttinfo.rtt_start().into());
            self.rttinfo.rtt_debug();

            loop {
                if !readable_before(fd, deadline).or_die("poll error") {
                    // The C's SIGALRM: a timeout.
                    if self.rttinfo.rtt_timeout() {
                        err_msg("dg_send_recv: no response from server, giving up");
                        self.rttinit = false; // start afresh if called again
                        return Err(io::Error::from_raw_os_error(libc::ETIMEDOUT));
                    }
                    err_msg("dg_send_recv: timeout, retransmitting");
                    continue 'sendagain;
                }
                let mut iovrecv = [IoSliceMut::new(&mut recvhdr), IoSliceMut::new(inbuff)];
                let n = recvmsg::<()>(fd.as_raw_fd(), &mut iovrecv, None, MsgFlags::empty())
                    .or_die("recvmsg error")
                    .bytes;
                let recvseq = u32::from_ne_bytes([recvhdr[0], recvhdr[1], recvhdr[2], recvhdr[3]]);
                eprintln!("recv {recvseq:4}");
                if n >= HDR_LEN && recvseq == self.sendseq {
                    let recvts =
                        u32::from_ne_bytes([recvhdr[4], recvhdr[5], recvhdr[6], recvhdr[7]]);
                    // The round trip of the transmission this reply answers.
                    self.rttinfo
                        .rtt_stop(self.rttinfo.rtt_ts().wrapping_sub(recvts));
                    return Ok(n - HDR_LEN);
                }
            }
        }
    }

    /// The book's `Dg_send_recv`: [`dg_send_recv`](Self::dg_send_recv), or
    /// exit with `dg_send_recv error`.
    pub fn dg_send_recv_or_quit(
        &mut self,
        fd: &Socket,
        outbuff: &[u8],
        inbuff: &mut [u8],
        destaddr: &SockAddr,
    ) -> usize {
        self.dg_send_recv(fd, outbuff, inbuff, destaddr)
            .unwrap_or_else(|_| err_quit("dg_send_recv error"))
    }
}

/// Whether `fd` becomes readable before `deadline`:
/// [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html) for the
/// time left, rounded up to the millisecond, again after `EINTR`. Never
/// false before the deadline.
fn readable_before(fd: impl AsFd, deadline: Instant) -> io::Result<bool> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let millis = i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX);
        let timeout = PollTimeout::try_from(millis).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(0) if Instant::now() < deadline => continue,
            Ok(ready) => return Ok(ready > 0),
            Err(Errno::EINTR) => continue,
            Err(err) => return Err(err.into()),
        }
    }
}

/// The book's `dg_cli` of `rtt/dg_cli.c`: each line of `input` goes to
/// `servaddr` through `dg_send_recv`, and each reply is written to stdout.
/// As [`unp::udp::dg_cli`], a NUL byte is data: the whole line is sent and
/// the whole reply written (the C stops at the first NUL both times).
pub fn dg_cli(input: &mut impl io::BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    let mut rtt = DgSendRecv::default();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        let n = rtt.dg_send_recv_or_quit(sockfd, &sendline, &mut recvline, pservaddr);
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
    stdout.flush().or_die("fputs error");
}
