//! A buffer lent to a writer that Rust does not see, for as long as an
//! asynchronous operation is in flight: one of glibc's POSIX aio threads
//! ([`aio_read(3)`](https://man7.org/linux/man-pages/man3/aio_read.3.html)),
//! or the kernel under
//! [`io_uring(7)`](https://man7.org/linux/man-pages/man7/io_uring.7.html).
//! The fifth I/O model of §6.2 (Figure 6.5), which the book describes but
//! does not show; used by `aioserv01`, `uringserv01` and `serv14`.

use std::ops::Range;
use std::ptr::NonNull;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lent_ranges_are_the_buffers_bytes() {
        let buf = LentBuf::new(8);
        // SAFETY: nothing else uses the buffer while the slices live.
        unsafe {
            buf.lend(2..5).copy_from_slice(b"abc");
            assert_eq!(buf.lend(0..8), b"\0\0abc\0\0\0");
            assert!(buf.lend(8..8).is_empty());
        }
    }

    #[test]
    #[should_panic]
    fn a_range_past_the_end_panics() {
        let buf = LentBuf::new(4);
        // SAFETY: as above; the call panics before making a slice.
        let _ = unsafe { buf.lend(2..5) };
    }
}
