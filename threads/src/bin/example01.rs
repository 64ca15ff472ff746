//! example01: two threads increment one counter without a lock, and lose
//! increments (Figure 26.17, `threads/example01.c`).
//!
//! Each thread, 5000 times, fetches the counter, prints its thread ID and
//! the new value, and stores the new value. The fetch and the store are two
//! steps, and the other thread runs between them: both fetch the same
//! value, both store the same value plus one, and one increment is lost.
//! The last value printed is then below 10000, and some values are printed
//! twice (by the book's own run in `script.example01` and by this one).
//!
//! Run: `example01 | tail -1`.
//!
//! Differs from the C: the counter is an atomic used as a plain `int`
//! (a separate load and store, never `fetch_add`), because Rust refuses two
//! threads writing a plain static, and the race the book shows is the one
//! between the load and the store, not a torn write. Between them, besides
//! the `printf` the book has there, the thread calls `sched_yield`
//! (`std::thread::yield_now`), so that the other thread runs inside the
//! window on any scheduler and machine load, which makes the loss certain
//! enough to test; the C relies on the `printf` alone, whose timing decides
//! how many increments it loses. Thread IDs are `pthread_t` values printed
//! in full (`%d` cuts them).

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use threads::pthread_self;
use unp::args::{arguments, Role};
use unp::err_quit;

const NLOOP: u32 = 5000;

/// Incremented by the threads.
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn main() {
    if !arguments("usage: example01", Role::Client).is_empty() {
        err_quit("usage: example01");
    }
    let tid_a = unp::wrap::pthread_create(doit);
    let tid_b = unp::wrap::pthread_create(doit);

    // wait for both threads to terminate
    tid_a
        .join()
        .unwrap_or_else(|_| err_quit("pthread_join error"));
    tid_b
        .join()
        .unwrap_or_else(|_| err_quit("pthread_join error"));

    std::process::exit(0);
}

/// Each thread fetches, prints and increments the counter `NLOOP` times.
/// The value of the counter should increase monotonically.
fn doit() {
    for _ in 0..NLOOP {
        let val = COUNTER.load(Ordering::Relaxed);
        unp::outln!("{}: {}", pthread_self(), val + 1);
        thread::yield_now();
        COUNTER.store(val + 1, Ordering::Relaxed);
    }
}
