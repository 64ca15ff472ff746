//! The first `readline` of §3.9 (Figure 3.17, `test/readline1.c`): one
//! [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html) per
//! byte. Correct, since it never reads past the newline, and "painfully
//! slow", as the C's comment says: a system call for every byte.

use std::io;
use std::os::fd::AsFd;

use nix::errno::Errno;

/// Read one line from `fd` into `line` (cleared first), newline kept, at
/// most `maxlen - 1` bytes, one byte per `read`. Returns the byte count, 0
/// at end of file; `EINTR` is retried.
pub fn readline(fd: impl AsFd, line: &mut Vec<u8>, maxlen: usize) -> io::Result<usize> {
    line.clear();
    let mut c = [0u8; 1];
    while line.len() + 1 < maxlen {
        match nix::unistd::read(fd.as_fd(), &mut c) {
            Ok(1) => {
                line.push(c[0]);
                if c[0] == b'\n' {
                    break; // the newline is stored, as fgets does
                }
            }
            Ok(_) => break, // end of file
            Err(Errno::EINTR) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(line.len())
}
