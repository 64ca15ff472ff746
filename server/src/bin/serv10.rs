//! `serv10` (not in the book): one thread, one event loop for everything,
//! the *reactor*. The listening socket, every connection and the SIGINT
//! self-pipe are nonblocking and in one `epoll` set; the loop accepts when
//! the listener is readable, reads a request when a connection is
//! readable, and writes the reply as far as the socket takes it, keeping
//! each connection's place in the protocol in a small state machine
//! (`server::reactor`). No process or thread is made per client, and
//! nothing waits on a lock: the cost per connection is the system calls
//! themselves. One core at most, and one slow request stalls everyone.
//!
//! ```sh
//! serv10 [ <host> ] <port#>       # serv10 40123
//! client 127.0.0.1 40123 5 500 4000
//! ```
//!
//! SIGINT (Ctrl-C) or SIGTERM prints `user time = U, sys time = S` and exits.

use server::args::ServerArgs;
use server::cpu::pr_cpu_time;
use server::reactor::{answer_now, Reactor, LISTENER, SIGNALS};
use server::signals::{SignalPipe, STOP};
use unp::OrDie;

fn main() {
    let args = ServerArgs::parse("usage: serv10 [ <host> ] <port#>", false);
    let signals = SignalPipe::catch(STOP);
    let listener = args.listen();
    listener.set_nonblocking(true).or_die("fcntl error");
    let mut reactor = Reactor::new();
    reactor.watch(&listener, LISTENER);
    reactor.watch(&signals, SIGNALS);
    reactor.run(answer_now, |reactor, token, _| match token {
        LISTENER => {
            reactor.accept_all(&listener);
        }
        _ if signals.take().stop() => {
            pr_cpu_time();
            std::process::exit(0)
        }
        _ => {}
    })
}
