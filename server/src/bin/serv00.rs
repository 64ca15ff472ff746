//! `serv00` (`server/serv00.c`, §30.4): the iterative server, the baseline
//! of Figure 30.1. One process accepts a connection, serves it with
//! `web_child`, closes it, and only then accepts the next. The CPU time it
//! reports is the cost of the protocol itself; the chapter subtracts it
//! from every other server's to get the cost of that server's process or
//! thread control.
//!
//! Run:
//!
//! ```sh
//! serv00 [ <host> ] <port#>       # serv00 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and exits.
//!
//! Differences from the C: the C prints its report from the signal
//! handler. Here a second thread waits on the signal's self-pipe and
//! reports, because the one serving thread may be blocked reading a silent
//! client when the signal comes. A bad request ends that connection, not
//! the server (the C's `web_child` exits).

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use unp::wrap;

fn main() {
    let args = ServerArgs::parse("usage: serv00 [ <host> ] <port#>", false);
    SignalPipe::catch(STOP).report_on_signal(pr_cpu_time);
    let listener = args.listen();
    loop {
        let (connfd, _cliaddr) = wrap::accept(&listener);
        web_child(&connfd); // process the request
        wrap::close(connfd);
    }
}
