//! `httpd-threaded`, model 2: one thread per connection, Tinyhttpd's own
//! design (and the book's `serv06`, §30.10), on the shared HTTP/1.1 core.
//! The main thread accepts and hands each connection to a new detached
//! thread, which serves its requests (keep-alive) until it closes.
//!
//! ```sh
//! httpd-threaded [port]            # httpd-threaded running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! Not in Tinyhttpd: the faithful `httpd` with the HTTP/1.1 of the models
//! (keep-alive, `Content-Length`, `sendfile(2)`, HEAD), so that it can be
//! measured beside them.
//!
//! Differs from the C: out of descriptors, `accept error: Too many open
//! files` is printed once and the accept waits until a client leaves
//! ([`wrap::accept_when_fds_free`]), where Tinyhttpd's `accept` failure
//! ends the server; a thread that cannot be created costs only its
//! connection (`pthread_create error`), as in Tinyhttpd.

use std::net::TcpStream;
use std::sync::Arc;

use tinyhttpd::{blocking, ignore_sigpipe, startup, Dialect, Site};
use unp::{book_args, err_ret, wrap};

fn main() {
    let (_, port) = book_args("usage: httpd-threaded [port]", 0, 4000);
    ignore_sigpipe();
    let site = Arc::new(Site::from_env());
    let (listener, port) = startup(port);
    unp::outln!("httpd-threaded running on port {port}");

    loop {
        let (connfd, _cliaddr) = wrap::accept_when_fds_free(&listener);
        let site = Arc::clone(&site);
        // Dropping the JoinHandle detaches the thread (pthread_detach).
        let spawned = std::thread::Builder::new().spawn(move || {
            blocking::serve(TcpStream::from(connfd), &site, Dialect::Http11);
        });
        if let Err(err) = spawned {
            err_ret(&err, "pthread_create error");
        }
    }
}
