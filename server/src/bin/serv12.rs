//! `serv12` (not in the book): one loop per thread. The main thread only
//! accepts, and hands each connection, in turn, to one of `#threads` loop
//! threads (a queue and an `eventfd` to wake it); each loop thread runs its
//! own `epoll` loop, as serv10 does, for the connections it was given, for
//! their whole life. This is serv08's hand-off with serv10's loops instead
//! of blocking threads: many connections per thread, and as many threads
//! as cores (the design of memcached, muduo and Netty).
//!
//! ```sh
//! serv12 [ <host> ] <port#> <#threads>      # serv12 40123 2
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! Each loop thread prints `thread i starting`. SIGINT (Ctrl-C) or SIGTERM prints
//! `user time = U, sys time = S`, then `thread i, N connections` for each.

use std::os::fd::AsFd;
use std::sync::mpsc::{channel, Receiver, Sender};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::eventfd::EventFd;
use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::reactor::{accept_nonblocking, answer_now, wake_fd, Reactor, WAKE};
use server::signals::{SignalPipe, STOP};
use socket2::Socket;
use unp::{err_quit, err_sys, OrDie};

fn main() {
    let args = ServerArgs::parse("usage: serv12 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let meter = Meter::new(args.count);
    let wakes: Vec<EventFd> = (0..args.count).map(|_| wake_fd()).collect();
    std::thread::scope(|scope| {
        let inboxes: Vec<Sender<Socket>> = wakes
            .iter()
            .enumerate()
            .map(|(i, wake)| {
                let (inbox, arrivals) = channel();
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || loop_main(i, arrivals, wake, meter))
                    .or_die("pthread_create error");
                inbox
            })
            .collect();
        let mut next = 0;
        loop {
            let mut fds = [
                PollFd::new(listener.as_fd(), PollFlags::POLLIN),
                PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(err) => err_sys(&err.into(), "poll error"),
            }
            if signals.take().stop() {
                pr_cpu_time();
                meter.print("thread", "connections");
                std::process::exit(0)
            }
            while let Some(connfd) = accept_nonblocking(&listener) {
                if inboxes[next].send(connfd).is_err() {
                    err_quit(format!("loop thread {next} has gone"));
                }
                wakes[next].write(1).or_die("eventfd write error");
                next = (next + 1) % inboxes.len();
            }
        }
    })
}

/// A loop thread: take the connections the main thread hands over, and
/// serve them all in one `epoll` loop.
fn loop_main(i: usize, arrivals: Receiver<Socket>, wake: &EventFd, meter: Meter) {
    println!("thread {i} starting");
    let mut reactor = Reactor::new();
    reactor.watch(wake, WAKE);
    reactor.run(answer_now, |reactor, _wake, _| {
        let _ = wake.read(); // reset the counter; the queue says what came
        while let Ok(connfd) = arrivals.try_recv() {
            meter.count(i);
            reactor.add(connfd);
        }
    })
}
