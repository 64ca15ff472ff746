//! example03: a producer and a consumer over a 10-slot ring, one mutex and
//! two condition variables (`threads/example03.c`, §26.8).
//!
//! The producer puts 0 to 49 in the ring, waiting on `b_cond_producer`
//! while it is full; the consumer takes them out, waiting on
//! `b_cond_consumer` while it is empty. Each signals the other after its
//! step. Every `produce N` and `consume N` line is printed with the mutex
//! held, so the output is the order the steps happened in: never a
//! `consume N` before its `produce N`, never more than 10 produced and not
//! yet consumed. The first lines print where a stack variable, the global
//! and a function are, to show that the threads share all but their stacks.
//!
//! Run: `example03`.
//!
//! Differs from the C: the ring lives inside the `Mutex`; addresses are
//! printed in full with `{:p}` (`0x...`), where the C's `%x` cuts them to 32
//! bits; the C's own macro wrappers are `or_die`-like exits with the same
//! messages.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use unp::args::{arguments, Role};
use unp::{err_quit, OrDie};

const NLOOP: i32 = 50;
const BUFFSIZE: usize = 10;

/// The ring the mutex guards.
struct Ring {
    b_buf: [i32; BUFFSIZE], // the buffer which contains integer items
    b_nitems: usize,        // #items currently in buffer
    b_nextget: usize,
    b_nextput: usize,
}

/// The C's `struct buf_t`.
struct BufT {
    b_mutex: Mutex<Ring>,
    b_cond_consumer: Condvar, // consumer waiting to get
    b_cond_producer: Condvar, // producer waiting to put
}

static BUF_T: BufT = BufT {
    b_mutex: Mutex::new(Ring {
        b_buf: [0; BUFFSIZE],
        b_nitems: 0,
        b_nextget: 0,
        b_nextput: 0,
    }),
    b_cond_consumer: Condvar::new(),
    b_cond_producer: Condvar::new(),
};

fn main() {
    if !arguments("usage: example03", Role::Client).is_empty() {
        err_quit("usage: example03");
    }
    let n = 0;
    unp::outln!(
        "main, addr(stack) = {:p}, addr(global) = {:p}, addr(func) = {:p}",
        &n,
        &BUF_T,
        produce_loop as fn()
    );
    let tid_a = thread::Builder::new()
        .spawn(produce_loop)
        .or_die("pthread_create error for A");
    let tid_b = thread::Builder::new()
        .spawn(consume_loop)
        .or_die("pthread_create error for B");

    // wait for both threads to terminate
    tid_a
        .join()
        .unwrap_or_else(|_| err_quit("pthread_join error for A"));
    tid_b
        .join()
        .unwrap_or_else(|_| err_quit("pthread_join error for B"));

    std::process::exit(0);
}

fn lock(bptr: &BufT) -> MutexGuard<'_, Ring> {
    bptr.b_mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn produce(bptr: &BufT, val: i32) {
    let mut ring = lock(bptr);
    // Wait if buffer is full
    while ring.b_nitems >= BUFFSIZE {
        ring = bptr
            .b_cond_producer
            .wait(ring)
            .unwrap_or_else(PoisonError::into_inner);
    }

    // There is room, store the new value
    unp::outln!("produce {val}");
    let put = ring.b_nextput;
    ring.b_buf[put] = val;
    ring.b_nextput = (put + 1) % BUFFSIZE;
    ring.b_nitems += 1;

    // Signal consumer
    bptr.b_cond_consumer.notify_one();
}

fn consume(bptr: &BufT) -> i32 {
    let mut ring = lock(bptr);
    // Wait if buffer is empty
    while ring.b_nitems == 0 {
        ring = bptr
            .b_cond_consumer
            .wait(ring)
            .unwrap_or_else(PoisonError::into_inner);
    }

    // There is data, fetch the value
    let val = ring.b_buf[ring.b_nextget];
    unp::outln!("consume {val}");
    ring.b_nextget = (ring.b_nextget + 1) % BUFFSIZE;
    ring.b_nitems -= 1;

    // Signal producer; it might be waiting for space to store
    bptr.b_cond_producer.notify_one();
    val
}

fn produce_loop() {
    let i = 0;
    unp::outln!("produce_loop thread, addr(stack) = {:p}", &i);
    for i in 0..NLOOP {
        produce(&BUF_T, i);
    }
}

fn consume_loop() {
    let i = 0;
    unp::outln!("consume_loop thread, addr(stack) = {:p}", &i);
    for _ in 0..NLOOP {
        consume(&BUF_T);
    }
}
