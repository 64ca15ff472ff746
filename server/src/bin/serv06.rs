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
//! its thread, not the whole server.

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::signals::{SignalPipe, STOP};
use server::web_child;
use unp::{wrap, OrDie};

fn main() {
    let args = ServerArgs::parse("usage: serv06 [ <host> ] <port#>", false);
    SignalPipe::catch(STOP).report_on_signal(pr_cpu_time);
    let listener = args.listen();
    loop {
        let (connfd, _cliaddr) = wrap::accept(&listener);
        // Dropping the JoinHandle detaches the thread (pthread_detach).
        std::thread::Builder::new()
            .spawn(move || web_child(&connfd))
            .or_die("pthread_create error");
    }
}
