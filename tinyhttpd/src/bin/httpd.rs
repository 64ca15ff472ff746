//! `httpd` (Tinyhttpd's `httpd.c`, `main` and `accept_request`): the
//! faithful port. Binds port 4000 (or the optional port; 0 lets the kernel
//! choose), prints `httpd running on port <port>`, and gives every
//! connection a thread of its own that reads one HTTP/1.0 request and
//! answers it from `htdocs/`: a file, a CGI program's output, or `400`,
//! `404`, `500`, `501`. The answer ends when the connection closes.
//!
//! ```sh
//! cargo run --bin httpd            # httpd running on port 4000
//! curl -i http://127.0.0.1:4000/   # the colour form
//! ```
//!
//! The tree is `TINYHTTPD_HTDOCS`, or `htdocs` in the working directory,
//! or this crate's `htdocs/`. `TINYHTTPD_TIMEOUT_MS` and
//! `TINYHTTPD_CGI_TIMEOUT_MS` set the limits (10 s each).
//!
//! Differs from the C: the holes are closed (no path leaves `htdocs/`,
//! `%2e%2e` and symlinks included; the request is bounded and must arrive
//! within the read timeout; a CGI program that hangs or floods is killed;
//! `SIGPIPE` is ignored), and the other faults are fixed: the list is in
//! the crate's documentation (`tinyhttpd/src/lib.rs`). Errors of `socket`,
//! `bind` and `listen` die with the book's messages (`bind error: Address
//! already in use`) where the C prints `bind: Address already in use`.
//! The listen backlog is `LISTENQ`, not 5. A thread that cannot be created
//! costs only its connection, and running out of descriptors costs no one:
//! where the C's `accept` fails and it exits, `accept error: Too many open
//! files` is printed once and the accept waits until a client leaves
//! ([`wrap::accept_when_fds_free`]). A connection's thread has a 128 KiB
//! stack, where the C's get the 8 MiB of `ulimit -s` and Rust's threads 2 MiB: the
//! cost of a thread per connection is the lesson, not the cost of stacks
//! larger than the thread uses (the README's Tinyhttpd section gives the
//! profile).

use std::net::TcpStream;
use std::sync::Arc;

use tinyhttpd::{blocking, ignore_sigpipe, startup, Dialect, Site};
use unp::{book_args, err_ret, wrap};

/// The stack of a connection's thread. A thread of `accept_request` uses a
/// few KiB, and 16 KiB for the CGI pipe buffer. With Rust's default of
/// 2 MiB, glibc's cache of thread stacks (40 MiB) holds 20: past 20 clients
/// served at once each new thread maps a fresh stack, protects its guard
/// page and faults its pages in, and its exit unmaps it.
const STACK_SIZE: usize = 128 * 1024;

fn main() {
    let (_, port) = book_args("usage: httpd [port]", 0, 4000);
    ignore_sigpipe();
    let site = Arc::new(Site::from_env());
    let (server_sock, port) = startup(port);
    unp::outln!("httpd running on port {port}");

    loop {
        let (client_sock, _client_name) = wrap::accept_when_fds_free(&server_sock);
        let site = Arc::clone(&site);
        // Dropping the JoinHandle detaches the thread (pthread_detach).
        let spawned = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(move || accept_request(TcpStream::from(client_sock), &site));
        if let Err(err) = spawned {
            err_ret(&err, "pthread_create error");
        }
    }
}

/// The original's `accept_request`: one HTTP/1.0 request, then the close.
fn accept_request(client: TcpStream, site: &Site) {
    blocking::serve(client, site, Dialect::Faithful);
}
