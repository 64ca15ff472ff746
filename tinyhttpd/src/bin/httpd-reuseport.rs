//! `httpd-reuseport`, model 5 in its process form, nginx's way: N
//! processes (one per CPU), each with its own listening socket on the same
//! port (`SO_REUSEPORT`, the kernel spreading connections over them by a
//! hash) and its own `epoll` loop. Nothing is shared and nothing handed
//! over; but a connection belongs to the process its hash chose, busy or
//! not.
//!
//! ```sh
//! httpd-reuseport [port]           # httpd-reuseport running on port 4000
//! curl -i http://127.0.0.1:4000/
//! ```
//!
//! The parent makes the N sockets (the first finds the port when it is 0),
//! forks the children and waits; each child dies with its parent
//! (`PR_SET_PDEATHSIG`). A child that exits is not replaced: the parent
//! reports it and exits, taking the others with it.

use std::os::fd::AsRawFd;

use nix::sys::signal::Signal;
use nix::sys::wait::wait;
use nix::unistd::ForkResult;
use socket2::{Domain, Socket, Type};
use tinyhttpd::nonblocking::OneLoop;
use tinyhttpd::{ignore_sigpipe, Site};
use unp::event::{Backend, Interest, Reactor};
use unp::{book_args, err_quit, wrap, OrDie, LISTENQ};

/// The original's `startup` with `SO_REUSEPORT` set before `bind`, and the
/// socket nonblocking for the loop.
fn reuseport_listen(port: u16) -> Socket {
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    sock.set_reuse_address(true).or_die("setsockopt error");
    sock.set_reuse_port(true).or_die("setsockopt error");
    wrap::bind(
        &sock,
        &std::net::SocketAddr::from(([0, 0, 0, 0], port)).into(),
    );
    wrap::listen(&sock, LISTENQ);
    sock.set_nonblocking(true).or_die("fcntl error");
    sock
}

fn main() {
    let (_, port) = book_args("usage: httpd-reuseport [port]", 0, 4000);
    ignore_sigpipe();
    let site = Site::from_env();
    let first = reuseport_listen(port);
    // Port 0 gives the first socket a free port; the others must join it.
    let port = wrap::getsockname(&first)
        .as_socket()
        .map_or(port, |addr| addr.port());
    let children = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut listeners = vec![first];
    listeners.extend((1..children).map(|_| reuseport_listen(port)));
    unp::outln!("httpd-reuseport running on port {port}");

    for i in 0..children {
        // SAFETY: the process is single-threaded: no thread has been made.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            // Die with the parent, whatever kills it.
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).or_die("prctl error");
            // Keep this child's own socket; close the others' copies.
            let mine = std::mem::take(&mut listeners).swap_remove(i);
            child_main(mine, &site);
        }
    }
    drop(listeners); // the parent accepts nothing
    let status = wait().or_die("wait error");
    err_quit(format!("httpd-reuseport: a child ended: {status:?}"));
}

/// A child: serve the connections of its own socket in one `epoll` loop,
/// model 3's.
fn child_main(listener: Socket, site: &Site) -> ! {
    let mut reactor = Reactor::new(Backend::Epoll).or_die("epoll_create error");
    let fd = listener.as_raw_fd();
    reactor
        .register(fd, Interest::READ, OneLoop::Listener(listener, site))
        .or_die("epoll_ctl error");
    reactor.run().or_die("epoll_wait error");
    std::process::exit(0)
}
