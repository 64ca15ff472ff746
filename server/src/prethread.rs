//! The prethreaded servers' `main` after the listening socket (serv07,
//! serv09: `thread_make` in `pthread07.c`, `pthread09.c`, and `sig_int`).

use std::thread;

use crate::cpu::pr_cpu_time;
use crate::meter::Meter;
use crate::signals::SignalPipe;
use unp::OrDie;

/// Create `nthreads` threads running `thread_main(i)` (the book's
/// `thread_make` loop; they may borrow the caller's listening socket or
/// lock), then wait for the signal (the C's `pause()` loop), print the CPU
/// time and each thread's count from `meter`, and exit 0. Dies with
/// `pthread_create error`.
pub fn prethread_main(
    signals: &SignalPipe,
    nthreads: usize,
    meter: Meter,
    thread_main: impl Fn(usize) + Sync,
) -> ! {
    thread::scope(|scope| {
        for i in 0..nthreads {
            let thread_main = &thread_main;
            thread::Builder::new()
                .spawn_scoped(scope, move || thread_main(i))
                .or_die("pthread_create error");
        }
        signals.wait(); // everything else is done by the threads
        pr_cpu_time();
        meter.print("thread", "connections");
        std::process::exit(0)
    })
}
