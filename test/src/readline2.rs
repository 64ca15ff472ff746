//! The buffered `readline` of §3.9 (Figure 3.18, `test/readline2.c`): one
//! [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html) fills a
//! `MAXLINE`-byte buffer, and the lines are taken from it. The buffer is a
//! `static`: **one for the whole process**, whatever the descriptor, so
//! lines read from two descriptors mix, and threads share it (chapter 26's
//! problem; [`unp::LineReader`] gives each descriptor its own).
//!
//! Differs from the C: the `static` is behind a `Mutex` (Rust allows no
//! unsynchronised global), which makes it safe for threads but still one
//! buffer; a failed `read` ends the program with `read error`, as the C's
//! `my_read` does, and `EINTR` too (the C does not retry it here).

use std::os::fd::AsFd;
use std::sync::Mutex;

use unp::{err_sys, MAXLINE};

/// The C's `read_cnt`, `read_ptr` and `read_buf`.
struct ReadBuf {
    buf: [u8; MAXLINE],
    next: usize,
    end: usize,
}

static READ_BUF: Mutex<ReadBuf> = Mutex::new(ReadBuf {
    buf: [0; MAXLINE],
    next: 0,
    end: 0,
});

/// The C's `my_read`: the next byte, refilling the buffer with one `read`
/// when it is empty; `None` at end of file.
fn my_read(fd: impl AsFd, rb: &mut ReadBuf) -> Option<u8> {
    if rb.next == rb.end {
        match nix::unistd::read(fd.as_fd(), &mut rb.buf) {
            Ok(0) => return None,
            Ok(n) => (rb.next, rb.end) = (0, n),
            Err(err) => err_sys(&err.into(), "read error"),
        }
    }
    rb.next += 1;
    Some(rb.buf[rb.next - 1])
}

/// Read one line from `fd` into `line` (cleared first), newline kept, at
/// most `maxlen - 1` bytes, through the process's one buffer. Returns the
/// byte count, 0 at end of file.
pub fn readline(fd: impl AsFd, line: &mut Vec<u8>, maxlen: usize) -> usize {
    let mut rb = READ_BUF
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    line.clear();
    while line.len() + 1 < maxlen {
        match my_read(fd.as_fd(), &mut rb) {
            Some(c) => {
                line.push(c);
                if c == b'\n' {
                    break;
                }
            }
            None => break, // end of file
        }
    }
    line.len()
}
