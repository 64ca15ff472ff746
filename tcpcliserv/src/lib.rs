//! Chapter 5 (`tcpcliserv/`): the TCP echo client and servers, zombies,
//! SIGCHLD, RST, SIGPIPE, the sum servers, and the chapter 6 select and poll
//! servers.
//!
//! What the programs of the directory share beyond [`unp`] (whose
//! [`unp::tcp`] has the clients' connect of Figure 5.4 and the servers'
//! listen of Figure 5.2): the servers' accepts and accept-and-fork loop
//! (Figure 5.2), the sum protocols (`sum.h`, §5.18), and the echo step of the
//! single-process servers (Figures 6.22 and 6.26). Each binary keeps only
//! the lines in which it differs from its neighbours: the lesson.

use nix::errno::Errno;
use nix::unistd::ForkResult;
use socket2::Socket;
use unp::{err_sys, wrap, writen};

/// The book's `Accept` wrapper (tcpserv01, tcpserv02): `ECONNABORTED` is
/// retried, anything else, `EINTR` included, ends the server with
/// `accept error: <strerror>`.
pub fn accept_or_die(listenfd: &Socket) -> Socket {
    wrap::accept(listenfd).0
}

/// The raw `accept` of tcpserv03 and tcpserv04 (Figure 5.12): a call
/// interrupted by a signal (`EINTR`) is simply made again. A connection
/// aborted before it was accepted (`ECONNABORTED`) is skipped too, where the
/// C would die with `accept error`.
pub fn accept_retry_eintr(listenfd: &Socket) -> Socket {
    loop {
        match listenfd.accept() {
            Ok((connfd, _cliaddr)) => return connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err) => err_sys(&err, "accept error"),
        }
    }
}

/// The accept-and-fork loop of Figure 5.2, shared by tcpserv01 to tcpserv09:
/// `accept` a connection and
/// [`fork(2)`](https://man7.org/linux/man-pages/man2/fork.2.html); the child
/// closes the listening socket, runs `serve` on the connection and exits 0;
/// the parent closes the connection and accepts the next. The children are
/// reaped, or not, by whatever SIGCHLD handler the caller installed.
pub fn fork_per_client(listenfd: Socket, accept: fn(&Socket) -> Socket, serve: fn(&Socket)) -> ! {
    loop {
        let connfd = accept(&listenfd);
        // SAFETY: the servers never start a thread, so the child may run any
        // code, allocation included.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            wrap::close(listenfd);
            serve(&connfd);
            std::process::exit(0);
        }
        wrap::close(connfd);
    }
}

/// `sscanf(line, "%ld%ld", &arg1, &arg2) == 2`, the parse of the sum client
/// and server (Figures 5.17 and 5.19): two decimal numbers, each after
/// optional white space and an optional sign; whatever follows the second
/// is ignored. Like `strtol`, a number too large saturates at `i64::MAX` or
/// `i64::MIN`.
pub fn scan_two_longs(line: &[u8]) -> Option<(i64, i64)> {
    let (arg1, rest) = scan_long(line)?;
    let (arg2, _) = scan_long(rest)?;
    Some((arg1, arg2))
}

/// One `%ld`: the number and what follows it.
fn scan_long(text: &[u8]) -> Option<(i64, &[u8])> {
    let start = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'..=b'\r'))
        .unwrap_or(text.len());
    let text = &text[start..];
    let (negative, text) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let value = text[..digits].iter().fold(0i64, |value, &digit| {
        let digit = i64::from(digit - b'0');
        match negative {
            true => value.saturating_mul(10).saturating_sub(digit),
            false => value.saturating_mul(10).saturating_add(digit),
        }
    });
    Some((value, &text[digits..]))
}

/// The request of the binary sum protocol, `struct args` of `sum.h`: two C
/// `long`s, that is two `i64` in the machine's own byte order on 64-bit
/// Linux, 16 bytes with no padding, so this talks to the C tcpcli09 and
/// tcpserv09 on the same machine (and, as §5.18 warns, to nothing else
/// reliably).
pub struct SumArgs {
    pub arg1: i64,
    pub arg2: i64,
}

/// Size of [`SumArgs`] on the wire.
pub const SUM_ARGS_LEN: usize = 16;
/// Size of the reply, `struct result`: one `i64`, native order.
pub const SUM_RESULT_LEN: usize = 8;

impl SumArgs {
    /// The 16 bytes the C's `Writen(sockfd, &args, sizeof(args))` sends.
    pub fn to_bytes(&self) -> [u8; SUM_ARGS_LEN] {
        let mut bytes = [0; SUM_ARGS_LEN];
        bytes[..8].copy_from_slice(&self.arg1.to_ne_bytes());
        bytes[8..].copy_from_slice(&self.arg2.to_ne_bytes());
        bytes
    }

    /// The struct the C's `Readn(sockfd, &args, sizeof(args))` fills.
    pub fn from_bytes(bytes: &[u8; SUM_ARGS_LEN]) -> SumArgs {
        let long = |at: usize| {
            let mut half = [0; 8];
            half.copy_from_slice(&bytes[at..at + 8]);
            i64::from_ne_bytes(half)
        };
        SumArgs {
            arg1: long(0),
            arg2: long(8),
        }
    }
}

/// The work for one readable client of a single-process server (Figures
/// 6.22 and 6.26): one `read` of at most `buf.len()` bytes, `writen` back.
/// Returns whether the client is still connected: `false` at end of file
/// and on any error from that one connection (`ECONNRESET` on the read;
/// `EPIPE` or `ECONNRESET` on the write, since Rust leaves SIGPIPE
/// ignored), so that the caller closes that client only, where the C's
/// `Read` and `Writen` end the whole server. A client that never reads
/// blocks the server in `writen` once its socket buffers fill: that is the
/// book's design (§6.8), kept.
pub fn echo_readable(sockfd: &Socket, buf: &mut [u8]) -> bool {
    loop {
        match nix::unistd::read(sockfd, buf) {
            Ok(0) => return false,
            Ok(n) => return writen(sockfd, &buf[..n]).is_ok(),
            Err(Errno::EINTR) => continue,
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_two_longs_is_sscanf_ld_ld() {
        assert_eq!(scan_two_longs(b"3 4\n"), Some((3, 4)));
        assert_eq!(scan_two_longs(b"  -3\t+4 and more\n"), Some((-3, 4)));
        assert_eq!(scan_two_longs(b"\x0b1\x0c2"), Some((1, 2)));
        assert_eq!(scan_two_longs(b"1\n\n2"), Some((1, 2)));
        assert_eq!(
            scan_two_longs(b"99999999999999999999 -99999999999999999999"),
            Some((i64::MAX, i64::MIN))
        );
        for junk in [&b"junk\n"[..], b"3\n", b"3 x4", b"- 3 4", b"", b"\xff\xfe"] {
            assert_eq!(scan_two_longs(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn sum_args_are_two_native_longs() {
        let args = SumArgs { arg1: 1, arg2: -2 };
        let bytes = args.to_bytes();
        assert_eq!(&bytes[..8], &1i64.to_ne_bytes());
        assert_eq!(&bytes[8..], &(-2i64).to_ne_bytes());
        let back = SumArgs::from_bytes(&bytes);
        assert_eq!((back.arg1, back.arg2), (1, -2));
    }
}
