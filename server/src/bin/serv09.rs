//! `serv09` (`server/serv09.c`, `pthread09.c`, `pthread09.h`; a Makefile
//! target, not in the book's text): serv07 without the mutex. Every
//! thread calls `accept` on the shared socket at once, and the kernel gives
//! each connection to one of them, as for serv02's processes.
//!
//! Run:
//!
//! ```sh
//! serv09 [ <host> ] <port#> <#threads>      # serv09 40123 15
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Output as serv07.
//!
//! The C no longer links with gcc 10 or later: `pthread09.h` *defines*
//! (not declares) its globals, and `-fno-common` makes the two files'
//! copies collide. Here the threads borrow the one listening socket, and
//! it builds and works. Other differences from the C as serv07.

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::prethread::thread_make;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use socket2::Socket;
use unp::wrap;

fn main() {
    let args = ServerArgs::parse("usage: serv09 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    let meter = Meter::new(args.count);

    std::thread::scope(|scope| {
        for i in 0..args.count {
            let listener = &listener;
            thread_make(scope, move || thread_main(i, listener, meter));
        }
        // the C's pause() until SIGINT, then sig_int
        signals.wait();
        pr_cpu_time();
        meter.print("thread", "connections");
        std::process::exit(0)
    })
}

/// The book's `thread_main` (`pthread09.c`): `accept` with no lock.
fn thread_main(i: usize, listener: &Socket, meter: Meter) -> ! {
    unp::outln!("thread {i} starting");
    loop {
        let (connfd, _cliaddr) = wrap::accept(listener);
        meter.count(i);
        web_child(&connfd); // process the request
        wrap::close(connfd);
    }
}
