//! `serv06` (`server/serv06.c`, §30.10): one thread per client. The main
//! thread accepts and creates a detached thread for each connection, which
//! serves it with `web_child` and ends. Creating a thread is much cheaper
//! than forking a process (Figure 30.1: serv01 against serv06).
//!
//! Run:
//!
//! ```sh
//! serv06 [ <host> ] <port#>       # serv06 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and exits.
//!
//! Differences from the C: the C must link a thread-safe `readline`
//! (`server/readline.c`, one `read` per byte) instead of the library's,
//! whose buffer is static; here every connection's `LineReader` has its
//! own buffer. The C passes the descriptor through the `void *` argument;
//! here the thread owns the socket. The report is made by a thread waiting
//! on the signal's self-pipe, not inside the handler. A bad request ends
//! its thread, not the whole server. And the server survives running out
//! (README, "Under stress"): with no descriptor left, the C's `Accept` dies
//! with `accept error: Too many open files`; here that line is printed once
//! and the accept waits until a client leaves
//! ([`wrap::accept_when_fds_free`]). With no thread left, the C's
//! `Pthread_create` dies; here `pthread_create error: Resource temporarily
//! unavailable` is printed and only that client is refused (its socket
//! closed).

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use unp::{err_ret, wrap};

fn main() {
    let args = ServerArgs::parse("usage: serv06 [ <host> ] <port#>", false);
    SignalPipe::catch(STOP).report_on_signal(pr_cpu_time);
    let listener = args.listen();
    loop {
        let (connfd, _cliaddr) = wrap::accept_when_fds_free(&listener);
        // Dropping the JoinHandle detaches the thread (pthread_detach). A
        // thread that cannot be made drops its closure, closing connfd.
        if let Err(err) = std::thread::Builder::new().spawn(move || web_child(&connfd)) {
            err_ret(&err, "pthread_create error");
        }
    }
}
