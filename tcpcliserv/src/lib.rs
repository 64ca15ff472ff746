//! Chapter 5 (`tcpcliserv/`): the TCP echo client and servers, zombies,
//! SIGCHLD, RST, SIGPIPE, the sum servers, and the chapter 6 select and poll
//! servers.
//!
//! Each binary holds its whole figure, as each C file does: the servers'
//! `socket`, `bind`, `listen` and accept loop (Figure 5.2), with the
//! `EINTR` retry of Figure 5.12 where the C has it, and the `select` and
//! `poll` loops of Figures 6.21-6.22 and 6.25-6.26. What the book itself
//! calls as a shared function comes from [`unp`] (`str_echo`, `str_cli`,
//! `sig_chld`, `Accept`). What is left here is what the sum programs share
//! (`sum.h`, §5.18): the parse of the text protocol and the binary request.
//!
//! The forking servers' children are single-threaded copies of a
//! single-threaded parent, which is what makes `fork` safe to call from
//! Rust (no other thread can hold a lock the child would need). Their
//! `accept` retries a connection aborted before it was accepted
//! (`ECONNABORTED`), where the C's raw `accept` in tcpserv03 and tcpserv04
//! dies with `accept error`.
//!
//! The clients that call `str_cli` treat a NUL byte in a line as data and
//! send the whole line. The C's `str_cli` sends `strlen(sendline)` bytes:
//! the line up to its first NUL, without its newline, so it then waits for
//! ever for an echo that cannot end.
//!
//! ## The select and poll servers (Figures 6.21-6.22, 6.25-6.26)
//!
//! `tcpservselect01`:
//! - A connection whose descriptor would not fit in an `fd_set` (fd >=
//!   `FD_SETSIZE`, 1024) is refused: the server prints `too many clients:
//!   descriptor N does not fit in an fd_set (FD_SETSIZE 1024), connection
//!   closed` on stderr, closes that one connection and goes on serving.
//!   The C counts free slots of its `client[FD_SETSIZE]` array instead: it
//!   quits with `too many clients` when they are all taken, but when the
//!   process holds other descriptors, a client's descriptor can reach 1024
//!   while slots remain, and `FD_SET` writes past the end of the `fd_set`.
//!   Here no descriptor at or above `FD_SETSIZE` ever enters a set.
//! - A read or write error from one client (`ECONNRESET` from a client that
//!   reset, `EPIPE`) closes that client, where the C's `Read` wrapper ends
//!   the server (Rust also leaves SIGPIPE ignored, so a reset client cannot
//!   kill it).
//! - Running out of descriptors at `accept` prints `accept error: Too many
//!   open files` and stops watching the listening socket until a client
//!   leaves, where the C dies.
//!
//! The book's `client[FD_SETSIZE]` array with `-1` holes becomes a `Vec`
//! of slots, `None` for a hole, that grows as clients come; `allset` and
//! `maxfd` go: the read set is built from the slots each round (nix's
//! `select` computes `maxfd + 1`), and every slot is checked rather than
//! stopping when `nready` readable descriptors have been seen. Dropping a
//! socket closes it.
//!
//! `tcpservpoll01`:
//! - The C sizes its array with `OPEN_MAX`, which modern systems no longer
//!   define, and the Linux build fix replaced it with `FOPEN_MAX`, the
//!   number of stdio streams, 16 on glibc: the 16th concurrent client made
//!   the server quit with `too many clients`. Here the `pollfd` array grows
//!   with the clients, so the server holds as many as its descriptor limit
//!   (`ulimit -n`) allows.
//! - At that limit `accept` fails with `EMFILE`: the server prints `accept
//!   error: Too many open files` and stops watching the listening socket
//!   until a client leaves (the waiting connections stay in the listen
//!   queue), where the C dies.
//! - `POLLHUP` is handled as a read too, so a hung-up client is closed
//!   instead of making `poll` return at once forever; any read or write
//!   error closes that client only, where the C ends the server on errors
//!   other than `ECONNRESET` (and Rust leaves SIGPIPE ignored, so a reset
//!   client cannot kill it).
//!
//! The book's `client` array of `pollfd` with `fd = -1` holes becomes a
//! `Vec` of slots, `None` for a hole, that grows as clients come; the
//! `pollfd` array is built from the listening socket and the filled slots
//! each round, and every slot is checked rather than stopping when `nready`
//! ready descriptors have been seen. Dropping a socket closes it.

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
