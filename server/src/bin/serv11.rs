//! `serv11` (not in the book): a reactor with a pool of worker threads.
//! One thread runs the `epoll` loop of serv10 and does all the socket I/O;
//! when a whole request has arrived it queues the request for the
//! `#threads` workers and stops watching that connection. A worker makes
//! the reply (here: copies the N bytes into a buffer of their own, the
//! stand-in for real work such as rendering a page) and queues it back,
//! waking the loop through an `eventfd`; the loop then writes it.
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

use std::borrow::Cow;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

use nix::sys::eventfd::EventFd;
use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::meter::Meter;
use server::reactor::{wake_fd, Reactor, LISTENER, SIGNALS, WAKE};
use server::signals::{SignalPipe, STOP};
use server::web_child::reply;
use unp::{err_quit, OrDie};

/// A request for N bytes from the connection with this token.
type Job = (u64, usize);
/// Its reply.
type Done = (u64, Vec<u8>);

fn main() {
    let args = ServerArgs::parse("usage: serv11 [ <host> ] <port#> <#threads>", true);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let meter = Meter::new(args.count);
    let wake = wake_fd();
    let (jobs, job_queue) = channel::<Job>();
    let job_queue = Mutex::new(job_queue);
    let (done, done_queue) = channel::<Done>();
    std::thread::scope(|scope| {
        for i in 0..args.count {
            let (job_queue, done, wake) = (&job_queue, done.clone(), &wake);
            std::thread::Builder::new()
                .spawn_scoped(scope, move || worker(i, job_queue, done, wake, meter))
                .or_die("pthread_create error");
        }
        let mut reactor = Reactor::new();
        reactor.watch(&listener, LISTENER);
        reactor.watch(&signals, SIGNALS);
        reactor.watch(&wake, WAKE);
        let hand_to_workers = |token, n| {
            if jobs.send((token, n)).is_err() {
                err_quit("the worker threads have gone");
            }
            None::<Cow<'static, [u8]>>
        };
        reactor.run(hand_to_workers, |reactor, token, handler| match token {
            LISTENER => {
                reactor.accept_all(&listener);
            }
            WAKE => {
                let _ = wake.read(); // reset the counter; the queue says what is done
                while let Ok((token, reply)) = done_queue.try_recv() {
                    reactor.complete(token, reply, handler);
                }
            }
            _ if signals.take().stop() => {
                pr_cpu_time();
                meter.print("thread", "requests");
                std::process::exit(0)
            }
            _ => {}
        })
    })
}

/// A worker: take a request, make its reply, hand it back to the loop.
fn worker(i: usize, jobs: &Mutex<Receiver<Job>>, done: Sender<Done>, wake: &EventFd, meter: Meter) {
    println!("thread {i} starting");
    loop {
        let job = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((token, n)) = job else {
            return; // the loop has gone
        };
        meter.count(i);
        if done.send((token, reply(n).to_vec())).is_err() {
            return;
        }
        wake.write(1).or_die("eventfd write error");
    }
}
