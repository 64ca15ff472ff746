//! Asynchronous I/O, the fifth I/O model of §6.2 (Figure 6.5), which the
//! book describes but does not show: the process asks for a read and is told
//! when it is done, the data already copied into its buffer. Two TCP echo
//! servers: `aioserv01` on POSIX aio, `uringserv01` on io_uring.
//!
//! Both lend a buffer, for as long as an operation is in flight, to a writer
//! that Rust does not see: one of glibc's aio threads, or the kernel.
//! [`LentBuf`] is that buffer.

use std::ops::Range;
use std::ptr::NonNull;

/// Bytes asked for per read, as the book's `str_echo` reads.
pub const BUFSIZE: usize = unp::MAXLINE;

/// A heap buffer that is lent, while an operation is in flight, to a writer
/// outside Rust's view (an aio thread, the kernel under io_uring).
///
/// It is reached only through a raw pointer, never through a `Box` or a
/// reference that Rust would take as unique, so its owner can move (in a
/// `Vec` that grows) while the other side writes the bytes.
pub struct LentBuf(NonNull<[u8]>);

impl LentBuf {
    /// A zeroed buffer of `len` bytes.
    pub fn new(len: usize) -> LentBuf {
        LentBuf(NonNull::from(Box::leak(vec![0u8; len].into_boxed_slice())))
    }

    /// `range` of the buffer, for an operation to read into or write from.
    /// Panics if `range` is not inside the buffer.
    ///
    /// # Safety
    ///
    /// Until the operation that gets the slice has completed, nothing else
    /// may use that part of the buffer, and the buffer must not be dropped:
    /// the caller picks the lifetime `'a`, and must keep that promise itself.
    pub unsafe fn lend<'a>(&self, range: Range<usize>) -> &'a mut [u8] {
        assert!(range.start <= range.end && range.end <= self.0.len());
        // SAFETY: the range is inside the allocation (checked above), and
        // the caller guarantees exclusive use for 'a.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.0.as_ptr().cast::<u8>().add(range.start),
                range.len(),
            )
        }
    }
}

impl Drop for LentBuf {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Box::leak in `new` and is freed once;
        // whoever lent it has seen its operation complete (see `lend`).
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}
