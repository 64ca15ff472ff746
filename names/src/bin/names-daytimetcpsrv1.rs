//! Figure 11.13, `names/daytimetcpsrv1.c`: the protocol-independent daytime
//! server. `tcp_listen` looks up the service (a name from `/etc/services`
//! or a number) and binds the wildcard address; each client gets the time
//! and is closed, one after the other.
//!
//! Run: `names-daytimetcpsrv1 40013 &` (or `names-daytimetcpsrv1 daytime`,
//! port 13, root), then `names-daytimetcpcli 127.0.0.1 40013`. Prints
//! `connection from A:P` for each client.
//!
//! With no host, glibc's first answer for the wildcard is `0.0.0.0`: the
//! server is IPv4 only (Figure 11.14's host argument chooses `::`).
//!
//! Differs from the C: the name (intro's `daytimetcpsrv1`, Figure 4.11,
//! came first); no optional trailing port (the service is the book's own
//! argument).

use unp::time::ctime_now;
use unp::{err_quit, sock_ntop, tcp_listen, wrap};

fn main() {
    let usage = "usage: daytimetcpsrv1 <service or port#>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let [service] = &args[..] else {
        err_quit(usage);
    };
    let listenfd = tcp_listen(None, service);

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", sock_ntop(&cliaddr));

        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
