//! `serv08` (`server/serv08.c`, `pthread08.c`, `pthread08.h`, §30.12): the
//! prethreaded server where only the main thread accepts. It puts each
//! connection in a ring of `MAXNCLI` (32) slots under a mutex and signals a
//! condition variable; an idle thread takes it from the ring and serves
//! it. The hand-off through the mutex and condition variable costs more
//! than serv07's threads accepting for themselves (Figure 30.1).
//!
//! Run:
//!
//! ```sh
//! serv08 [ <host> ] <port#> <#threads>      # serv08 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each thread prints `thread i starting`. SIGINT (Ctrl-C) or SIGTERM prints
//! `user time = U, sys time = S` and `thread i, N connections` for each.
//!
//! Differences from the C: when 32 connections wait in the ring, the C dies
//! with `iput = iget = 32`; here the main thread waits on a second
//! condition variable until a slot is free, and further clients wait in
//! the kernel's listen queue. The report is made by a thread waiting on the
//! signal's self-pipe, since the main thread is blocked in `accept`. A bad
//! request ends that connection only. Out of descriptors (the ring holds
//! up to 32), the C's `Accept` dies; here `accept error: Too many open
//! files` is printed once and the accept waits for a client to leave. A
//! `#threads` outside 1 to 4096 is refused with the usage line, exit 1
//! (`server::args::MAX_COUNT`).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::prethread::thread_make;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use socket2::Socket;
use unp::wrap;

/// The most connections waiting in the ring (`pthread08.h`).
const MAXNCLI: usize = 32;

/// The ring of accepted connections (`clifd[]`, `iget`, `iput`) and its
/// synchronisation.
#[derive(Default)]
struct Clifd {
    ring: Mutex<VecDeque<Socket>>,
    /// Signalled when a connection is put in (`clifd_cond`).
    filled: Condvar,
    /// Signalled when one is taken out.
    emptied: Condvar,
}

impl Clifd {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Socket>> {
        self.ring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv08 [ <host> ] <port#> <#threads>", true);
    let meter = Meter::new(args.count);
    SignalPipe::catch(STOP).report_on_signal(move || {
        pr_cpu_time();
        meter.print("thread", "connections");
    });
    let listener = args.listen();
    let clifd = Clifd::default();
    std::thread::scope(|scope| {
        for i in 0..args.count {
            let clifd = &clifd;
            thread_make(scope, move || thread_main(i, clifd, meter));
        }
        loop {
            let (connfd, _cliaddr) = wrap::accept_when_fds_free(&listener);
            let mut ring = clifd.lock();
            while ring.len() == MAXNCLI {
                ring = clifd.emptied.wait(ring).unwrap_or_else(|p| p.into_inner());
            }
            ring.push_back(connfd);
            clifd.filled.notify_one();
        }
    })
}

/// The book's `thread_main` (`pthread08.c`): wait for a connection in the
/// ring, serve it.
fn thread_main(i: usize, clifd: &Clifd, meter: Meter) -> ! {
    unp::outln!("thread {i} starting");
    loop {
        let connfd = {
            let mut ring = clifd.lock();
            loop {
                match ring.pop_front() {
                    Some(connfd) => break connfd,
                    None => ring = clifd.filled.wait(ring).unwrap_or_else(|p| p.into_inner()),
                }
            }
        };
        clifd.emptied.notify_one();
        meter.count(i);
        web_child(&connfd); // process the request
        wrap::close(connfd);
    }
}
