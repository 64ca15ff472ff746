//! `lab-loadgen`: the lab's closed-loop load generator (not in the book).
//!
//! `lab-loadgen <IPaddress:port> <#conns> <#idle> <#bytes> <warmup ms> <measure ms>`
//! opens `#idle` silent connections and `#conns` active ones to an echo
//! server, each active one with one `#bytes` request outstanding at a time,
//! all driven by one epoll loop, and measures round trips per second and
//! their latency (an HDR histogram). The lab starts it pinned to its own CPU
//! and steps it through stdin and stdout: see `lab::loadgen` for the lines.
//!
//! Run by hand against an echo server on port 40000:
//! `printf 'go\nclose\n' | target/release/lab-loadgen 127.0.0.1:40000 100 0 64 200 2000`.

use std::io;

use lab::loadgen::{generate, Options};
use unp::err_quit;

fn main() {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let opts = Options::parse(&args).unwrap_or_else(|usage| err_quit(usage));
    if let Err(e) = generate(&opts, &mut io::stdin().lock(), &mut io::stdout().lock()) {
        err_quit(format!("lab-loadgen: {e:#}"));
    }
}
