//! `httpd-pool`, model 4: one thread multiplexing all the I/O, plus a pool
//! of worker threads for the blocking work. The loop reads requests,
//! sends files itself (`sendfile(2)` from the page cache does not block on
//! the client) and hands every CGI request to the workers, which run the
//! program (fork, pipes, exec, up to the CGI timeout) and queue the
//! response back, waking the loop through an `eventfd` (an
//! `unp::event::inbox`). A response finds its connection by token, never
//! reused: one for a client that has gone is dropped.
//!
//! ```sh
//! httpd-pool [port]                # httpd-pool running on port 4000
//! curl -i http://127.0.0.1:4000/color.cgi?color=red
//! ```
//!
//! The pool has one worker per CPU, at least 4: the workers mostly wait
//! for their CGI programs.

use std::os::fd::{AsFd, AsRawFd};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

use socket2::Socket;
use tinyhttpd::nonblocking::{accept_all, HttpConn, Job};
use tinyhttpd::{answer, ignore_sigpipe, startup, Dialect, Plan, Response, Site};
use unp::event::{inbox, Backend, Handler, Inbox, InboxSender, Interest, Reactor, Ready, Token};
use unp::{book_args, err_quit, OrDie};

/// A CGI request for the workers: the connection's token, the request,
/// its plan.
type Work = (Token, Job, Plan);

/// What every handler of the loop can reach.
struct Shared {
    site: Site,
    work: Sender<Work>,
}

/// What the loop watches.
enum Watched<'a> {
    Listener(Socket, &'a Shared),
    /// The workers' responses, by connection token.
    Responses(Inbox<(Token, Response)>, &'a Shared),
    Conn(HttpConn, &'a Shared),
}

/// Answer a request in the loop, unless it runs a CGI program: that goes
/// to the workers.
fn dispatch(shared: &Shared) -> impl FnMut(Token, Job) -> Option<Response> + '_ {
    move |token, job| match shared.site.plan(&job.request) {
        plan @ Plan::Cgi(_) => {
            if shared.work.send((token, job, plan)).is_err() {
                err_quit("the worker threads have gone");
            }
            None
        }
        plan => Some(answer(
            &shared.site,
            Dialect::Http11,
            &job.request,
            plan,
            &job.body,
        )),
    }
}

impl Handler for Watched<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, ready: Ready) {
        match self {
            Watched::Listener(listener, shared) => {
                let shared: &Shared = shared;
                accept_all(reactor, token, listener, shared.site.timeout, |conn| {
                    Watched::Conn(conn, shared)
                });
            }
            Watched::Responses(responses, shared) => {
                // A response for a connection that has closed finds no token.
                for (conn, response) in responses.drain() {
                    reactor.visit(conn, |watched, reactor| {
                        if let Watched::Conn(http, _) = watched {
                            http.complete(reactor, conn, response, &mut dispatch(shared));
                        }
                    });
                }
            }
            Watched::Conn(conn, shared) => {
                conn.ready(reactor, token, ready, &mut dispatch(shared));
            }
        }
    }
}

fn main() {
    let (_, port) = book_args("usage: httpd-pool [port]", 0, 4000);
    ignore_sigpipe();
    let (listener, port) = startup(port);
    listener.set_nonblocking(true).or_die("fcntl error");
    let (work, work_queue) = channel::<Work>();
    let shared = Shared {
        site: Site::from_env(),
        work,
    };
    let (done, responses) = inbox::<(Token, Response)>().or_die("eventfd error");
    let work_queue = Mutex::new(work_queue);
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get().max(4));
    unp::outln!("httpd-pool running on port {port}");

    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (work_queue, done, site) = (&work_queue, done.clone(), &shared.site);
            std::thread::Builder::new()
                .spawn_scoped(scope, move || worker(work_queue, done, site))
                .or_die("pthread_create error");
        }
        let mut reactor = Reactor::new(Backend::Epoll).or_die("epoll_create error");
        let (listen_fd, responses_fd) = (listener.as_raw_fd(), responses.as_fd().as_raw_fd());
        for (fd, watched) in [
            (listen_fd, Watched::Listener(listener, &shared)),
            (responses_fd, Watched::Responses(responses, &shared)),
        ] {
            reactor
                .register(fd, Interest::READ, watched)
                .or_die("epoll_ctl error");
        }
        reactor.run().or_die("epoll_wait error");
    })
}

/// A worker: take a CGI request, run it, hand the response to the loop.
fn worker(work: &Mutex<Receiver<Work>>, done: InboxSender<(Token, Response)>, site: &Site) {
    loop {
        let next = work.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((token, job, plan)) = next else {
            return; // the loop has gone
        };
        let response = answer(site, Dialect::Http11, &job.request, plan, &job.body);
        if done.send((token, response)).is_err() {
            return;
        }
    }
}
