//! example02: the counter of example01 guarded by a mutex, which loses
//! nothing (Figure 26.18, `threads/example02.c`).
//!
//! Each thread takes `counter_mutex` around the fetch, print and store, so
//! the other thread cannot fetch between them: the values printed are 1 to
//! 10000, each once, in order (`script.example02`).
//!
//! Run: `example02 | tail -1`.
//!
//! Differs from the C: the counter lives inside the `Mutex`, so it cannot be
//! reached without the lock; the `sched_yield` example01 adds between the
//! fetch and the store is kept here too, to show that the lock, not luck,
//! keeps the count. Thread IDs are `pthread_t` values printed in full.

use std::sync::{Mutex, PoisonError};
use std::thread;

use threads::pthread_self;
use unp::args::{arguments, Role};
use unp::err_quit;

const NLOOP: u32 = 5000;

/// Incremented by the threads, under its mutex.
static COUNTER_MUTEX: Mutex<u32> = Mutex::new(0);

fn main() {
    if !arguments("usage: example02", Role::Client).is_empty() {
        err_quit("usage: example02");
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
        let mut counter = COUNTER_MUTEX.lock().unwrap_or_else(PoisonError::into_inner);

        let val = *counter;
        unp::outln!("{}: {}", pthread_self(), val + 1);
        thread::yield_now();
        *counter = val + 1;

        drop(counter); // pthread_mutex_unlock
    }
}
