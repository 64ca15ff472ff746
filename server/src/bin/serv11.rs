//! `serv11` (not in the book): a reactor with a pool of worker threads.
//! One thread runs the `epoll` loop of serv10 and does all the socket I/O;
//! when a whole request has arrived it queues the request for the
//! `#threads` workers and stops watching that connection. A worker makes
//! the reply (here: copies the N bytes into a buffer of their own, the
//! stand-in for real work such as rendering a page) and queues it back,
//! waking the loop through an `eventfd` (an `unp::event::inbox`); the loop
//! then writes it. Replies find their connection by token, never reused:
//! the reply for a client that has gone is dropped, even if a new client
//! got its descriptor.
//!
//! The pool pays off when the request work is long or blocks (disk, a
//! database), which would stall serv10's single thread. For this protocol
//! the work is a copy, so the queues, wake-ups and copies are pure cost
//! (Figure 30.1's table in the README).
//!
//! ```sh
//! serv11 [ <host> ] <port#> <#threads>      # serv11 40123 4
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each worker prints `thread i starting`. SIGINT (Ctrl-C) or SIGTERM prints
//! `user time = U, sys time = S`, then `thread i, N requests` for each.
//! Out of descriptors it prints `accept error: Too many open files` (at
//! most once every 10 s), stops accepting, and accepts again when a client
//! leaves.
//! A `#threads` outside 1 to 4096 is refused with the usage line, exit 1
//! (`server::args::MAX_COUNT`).

use std::borrow::Cow;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::signals::{SignalPipe, STOP};
use server::web_child::reply;
use server::web_conn::{accept_all, new_reactor, WebConn};
use socket2::Socket;
use unp::event::{inbox, Handler, Inbox, InboxSender, Interest, Reactor, Ready, Token};
use unp::{err_quit, OrDie};

/// A request for N bytes from the connection with this token.
type Job = (Token, usize);
/// Its reply.
type Done = (Token, Vec<u8>);

/// What the loop watches; every handler can reach the job queue.
enum Watched<'a> {
    Listener(Socket, &'a Sender<Job>),
    Signals(&'a SignalPipe, Meter),
    /// The workers' replies, by connection token.
    Replies(Inbox<Done>, &'a Sender<Job>),
    Conn(WebConn, &'a Sender<Job>),
}

/// A whole request has arrived: queue it for the workers.
fn hand_to_workers(
    jobs: &Sender<Job>,
) -> impl FnMut(Token, usize) -> Option<Cow<'static, [u8]>> + '_ {
    move |token, n| {
        if jobs.send((token, n)).is_err() {
            err_quit("the worker threads have gone");
        }
        None
    }
}

impl Handler for Watched<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, _: Ready) {
        match self {
            Watched::Listener(listener, jobs) => {
                accept_all(reactor, token, listener, |conn| Watched::Conn(conn, jobs));
            }
            Watched::Signals(signals, meter) => {
                if signals.take().stop() {
                    pr_cpu_time();
                    meter.print("thread", "requests");
                    std::process::exit(0)
                }
            }
            Watched::Replies(replies, jobs) => {
                // A reply for a connection that has closed finds no token.
                for (conn, reply) in replies.drain() {
                    reactor.visit(conn, |watched, reactor| {
                        if let Watched::Conn(web, _) = watched {
                            web.complete(reactor, conn, reply, &mut hand_to_workers(jobs));
                        }
                    });
                }
            }
            Watched::Conn(conn, jobs) => conn.ready(reactor, token, &mut hand_to_workers(jobs)),
        }
    }
}

fn main() {
    let args = ServerArgs::parse("usage: serv11 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let meter = Meter::new(args.count);
    let (done, replies) = inbox::<Done>().or_die("eventfd error");
    let (jobs, job_queue) = channel::<Job>();
    let job_queue = Mutex::new(job_queue);
    std::thread::scope(|scope| {
        for i in 0..args.count {
            let (job_queue, done) = (&job_queue, done.clone());
            std::thread::Builder::new()
                .spawn_scoped(scope, move || worker(i, job_queue, done, meter))
                .or_die("pthread_create error");
        }
        let mut reactor = new_reactor();
        let (listen, signal_fd) = (listener.as_raw_fd(), signals.as_fd().as_raw_fd());
        let replies_fd = replies.as_fd().as_raw_fd();
        for (fd, watched) in [
            (listen, Watched::Listener(listener, &jobs)),
            (signal_fd, Watched::Signals(&signals, meter)),
            (replies_fd, Watched::Replies(replies, &jobs)),
        ] {
            reactor
                .register(fd, Interest::READ, watched)
                .or_die("epoll_ctl error");
        }
        reactor.run().or_die("epoll_wait error");
    })
}

/// A worker: take a request, make its reply, hand it back to the loop.
fn worker(i: usize, jobs: &Mutex<Receiver<Job>>, done: InboxSender<Done>, meter: Meter) {
    unp::outln!("thread {i} starting");
    loop {
        let job = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((token, n)) = job else {
            return; // the loop has gone
        };
        meter.count(i);
        if done.send((token, reply(n).to_vec())).is_err() {
            return;
        }
    }
}
