//! `readn`, `writen` and `readline` (`lib/readn.c`, `lib/writen.c`,
//! `lib/readline.c`, Figures 3.15–3.18), and `fgets` for stdin.
//!
//! The book's `readline` keeps its buffer in a `static`, shared by every
//! descriptor and every thread: two connections read in turn get each
//! other's bytes. Here the buffer belongs to a [`LineReader`], one per
//! descriptor (the book's own fix is `readline_r`, Figure 26.11).

use std::io::{self, BufRead};
use std::os::fd::AsFd;

use nix::errno::Errno;

use crate::MAXLINE;

/// Read exactly `buf.len()` bytes from `fd`, the book's `readn` (Figure
/// 3.15): [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html) in a
/// loop, `EINTR` retried. Returns fewer bytes only at end of file.
pub fn readn(fd: impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match nix::unistd::read(fd.as_fd(), &mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(Errno::EINTR) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(done)
}

/// Write all of `buf` to `fd`, the book's `writen` (Figure 3.16):
/// [`write(2)`](https://man7.org/linux/man-pages/man2/write.2.html) in a loop,
/// `EINTR` retried.
pub fn writen(fd: impl AsFd, buf: &[u8]) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match nix::unistd::write(fd.as_fd(), &buf[done..]) {
            Ok(n) => done += n,
            Err(Errno::EINTR) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// A descriptor with its own `readline` buffer (Figure 3.18, with the buffer
/// moved out of the `static`).
pub struct LineReader<F> {
    fd: F,
    buf: Box<[u8; MAXLINE]>,
    start: usize,
    end: usize,
}

impl<F: AsFd> LineReader<F> {
    /// A reader for `fd` with an empty buffer.
    pub fn new(fd: F) -> Self {
        LineReader {
            fd,
            buf: Box::new([0; MAXLINE]),
            start: 0,
            end: 0,
        }
    }

    /// The descriptor.
    pub fn get_ref(&self) -> &F {
        &self.fd
    }

    /// Bytes read from the descriptor but not yet returned, the book's
    /// `readlinebuf`: data that `select` can no longer see (§6.5).
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Read one line into `line` (cleared first), newline kept, at most
    /// `maxlen - 1` bytes as the C's `readline(fd, ptr, maxlen)`. Returns the
    /// byte count: 0 at end of file, a partial line when the peer closes in
    /// the middle of one. `EINTR` is retried.
    pub fn readline(&mut self, line: &mut Vec<u8>, maxlen: usize) -> io::Result<usize> {
        line.clear();
        while line.len() + 1 < maxlen {
            if self.start == self.end {
                match nix::unistd::read(self.fd.as_fd(), &mut self.buf[..]) {
                    Ok(0) => break,
                    Ok(n) => (self.start, self.end) = (0, n),
                    Err(Errno::EINTR) => continue,
                    Err(err) => return Err(err.into()),
                }
            }
            let avail = &self.buf[self.start..self.end];
            let take = line_prefix(avail, maxlen - 1 - line.len());
            line.extend_from_slice(&avail[..take]);
            self.start += take;
            if line.last() == Some(&b'\n') {
                break;
            }
        }
        Ok(line.len())
    }
}

/// The C's `fgets(buf, n, fp)` on a buffered reader: one line into `line`
/// (cleared first), newline kept, at most `n - 1` bytes. Returns `false` at
/// end of file with nothing read, as `fgets` returns `NULL`.
pub fn fgets(reader: &mut impl BufRead, line: &mut Vec<u8>, n: usize) -> io::Result<bool> {
    line.clear();
    while line.len() + 1 < n {
        let avail = match reader.fill_buf() {
            Ok(avail) => avail,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if avail.is_empty() {
            break;
        }
        let take = line_prefix(avail, n - 1 - line.len());
        line.extend_from_slice(&avail[..take]);
        reader.consume(take);
        if line.last() == Some(&b'\n') {
            break;
        }
    }
    Ok(!line.is_empty())
}

/// How many bytes of `avail` belong to the current line: up to and
/// including the first newline, and never more than `want`.
fn line_prefix(avail: &[u8], want: usize) -> usize {
    match avail.iter().take(want).position(|&b| b == b'\n') {
        Some(newline) => newline + 1,
        None => avail.len().min(want),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn readline_keeps_each_descriptors_bytes_apart() {
        let (mut a_tx, a_rx) = UnixStream::pair().unwrap();
        let (mut b_tx, b_rx) = UnixStream::pair().unwrap();
        use std::io::Write;
        a_tx.write_all(b"a1\na2\n").unwrap();
        b_tx.write_all(b"b1\nb2\n").unwrap();
        let (mut a, mut b) = (LineReader::new(&a_rx), LineReader::new(&b_rx));
        let mut line = Vec::new();
        for want in [&b"a1\n"[..], b"b1\n", b"a2\n", b"b2\n"] {
            let reader = if want[0] == b'a' { &mut a } else { &mut b };
            reader.readline(&mut line, MAXLINE).unwrap();
            assert_eq!(line, want);
        }
    }

    #[test]
    fn readline_returns_a_partial_line_at_eof_then_zero() {
        let (mut tx, rx) = UnixStream::pair().unwrap();
        use std::io::Write;
        tx.write_all(b"one\nfoo").unwrap();
        drop(tx);
        let mut reader = LineReader::new(&rx);
        let mut line = Vec::new();
        assert_eq!(reader.readline(&mut line, MAXLINE).unwrap(), 4);
        assert_eq!(reader.readline(&mut line, MAXLINE).unwrap(), 3);
        assert_eq!(line, b"foo");
        assert_eq!(reader.readline(&mut line, MAXLINE).unwrap(), 0);
    }

    #[test]
    fn readline_and_fgets_stop_at_maxlen_minus_one() {
        let (mut tx, rx) = UnixStream::pair().unwrap();
        use std::io::Write;
        tx.write_all(b"abcdefgh\n").unwrap();
        let mut reader = LineReader::new(&rx);
        let mut line = Vec::new();
        assert_eq!(reader.readline(&mut line, 4).unwrap(), 3);
        assert_eq!(line, b"abc");
        assert_eq!(reader.buffered(), b"defgh\n");

        let mut input = &b"abcdefgh\nxy"[..];
        assert!(fgets(&mut input, &mut line, 4).unwrap());
        assert_eq!(line, b"abc");
        assert!(fgets(&mut input, &mut line, 100).unwrap());
        assert_eq!(line, b"defgh\n");
        assert!(fgets(&mut input, &mut line, 100).unwrap());
        assert_eq!(line, b"xy");
        assert!(!fgets(&mut input, &mut line, 100).unwrap());
    }

    #[test]
    fn readn_and_writen_move_every_byte() {
        let (tx, rx) = UnixStream::pair().unwrap();
        let data: Vec<u8> = (0..=255).cycle().take(100_000).collect();
        let sent = data.clone();
        let writer = std::thread::spawn(move || writen(&tx, &sent).unwrap());
        let mut got = vec![0; data.len()];
        assert_eq!(readn(&rx, &mut got).unwrap(), data.len());
        writer.join().unwrap();
        assert_eq!(got, data);
    }
}
