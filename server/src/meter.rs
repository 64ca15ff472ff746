//! `meter` (`server/meter.c`): one connection counter per child, in memory
//! the children share with their parent, so that the parent can print how
//! the connections were spread (serv02m, serv03m, and the distribution
//! table of §30.6). The threaded servers use the same counters for their
//! threads.

use std::num::NonZeroUsize;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use nix::sys::mman::{mmap_anonymous, MapFlags, ProtFlags};
use unp::OrDie;

/// `len` bytes of zeroed memory that survives `fork` shared, not copied:
/// [`mmap(2)`](https://man7.org/linux/man-pages/man2/mmap.2.html) with
/// `MAP_ANONYMOUS | MAP_SHARED` (the book's `MAP_ANON`, or its `/dev/zero`
/// fallback). Never unmapped. Dies with `mmap error`.
pub fn map_shared(len: usize) -> NonNull<libc::c_void> {
    let len = NonZeroUsize::new(len).unwrap_or(NonZeroUsize::MIN);
    // SAFETY: a fresh anonymous mapping at an address the kernel picks
    // aliases no Rust object.
    unsafe {
        mmap_anonymous(
            None,
            len,
            ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
            MapFlags::MAP_SHARED,
        )
    }
    .or_die("mmap error")
}

/// Connection counters, one per child or thread.
#[derive(Clone, Copy)]
pub struct Meter {
    counts: &'static [AtomicU64],
}

impl Meter {
    /// `n` counters at zero, the book's `meter(nchildren)`.
    pub fn new(n: usize) -> Meter {
        let base = map_shared(n * std::mem::size_of::<AtomicU64>());
        // SAFETY: the mapping holds n zeroed, page-aligned 8-byte words (zero
        // is a valid AtomicU64) and is never unmapped; atomics in shared
        // memory stay atomic between processes.
        let counts = unsafe { std::slice::from_raw_parts(base.as_ptr().cast::<AtomicU64>(), n) };
        Meter { counts }
    }

    /// Count one more for child or thread `i` (the C's `cptr[i]++`).
    pub fn count(&self, i: usize) {
        self.add(i, 1);
    }

    /// Count `n` more for child or thread `i`.
    pub fn add(&self, i: usize, n: u64) {
        self.counts[i].fetch_add(n, Ordering::Relaxed);
    }

    /// The count of child or thread `i`.
    pub fn get(&self, i: usize) -> u64 {
        self.counts[i].load(Ordering::Relaxed)
    }

    /// Print `<who> i, N <what>` for every counter, as the book's `sig_int`
    /// does: `child 0, 212 connections`, `thread 3, 97 connections`.
    pub fn print(&self, who: &str, what: &str) {
        for i in 0..self.counts.len() {
            unp::outln!("{who} {i}, {} {what}", self.get(i));
        }
    }
}
