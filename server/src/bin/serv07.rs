//! `serv07` (`server/serv07.c`, `pthread07.c`, `pthread07.h`, §30.11): the
//! prethreaded server, a mutex around `accept`. The main thread creates
//! `#threads` threads; each locks the mutex, accepts, unlocks, serves the
//! connection and loops. Threads of one process need no shared mapping or
//! lock file: an ordinary mutex does.
//!
//! Run:
//!
//! ```sh
//! serv07 [ <host> ] <port#> <#threads>      # serv07 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each thread prints `thread i starting`. SIGINT (Ctrl-C) or SIGTERM prints
//! `user time = U, sys time = S` and `thread i, N connections` for each.
//!
//! Differences from the C: the mutex owns the listening socket, so no
//! thread can reach `accept` without it; the main thread waits for SIGINT
//! on a self-pipe (the C's `pause()`) and reports outside the handler; a
//! bad request ends that connection only. A `#threads` outside 1 to 4096
//! is refused with the usage line, exit 1 (`server::args::MAX_COUNT`),
//! where the C's `atoi` takes any number (100000 threads made std panic).

use std::sync::Mutex;

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::prethread::thread_make;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use unp::wrap;

fn main() {
    let args = ServerArgs::parse("usage: serv07 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let mlock = Mutex::new(args.listen());
    let meter = Meter::new(args.count);

    std::thread::scope(|scope| {
        for i in 0..args.count {
            let mlock = &mlock;
            thread_make(scope, move || thread_main(i, mlock, meter));
        }
        // the C's pause() until SIGINT, then sig_int
        signals.wait();
        pr_cpu_time();
        meter.print("thread", "connections");
        std::process::exit(0)
    })
}

/// The book's `thread_main` (`pthread07.c`).
fn thread_main(i: usize, mlock: &Mutex<socket2::Socket>, meter: Meter) -> ! {
    unp::outln!("thread {i} starting");
    loop {
        let (connfd, _cliaddr) = {
            let listener = mlock
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            wrap::accept(&listener)
        };
        meter.count(i);
        web_child(&connfd); // process the request
        wrap::close(connfd);
    }
}
