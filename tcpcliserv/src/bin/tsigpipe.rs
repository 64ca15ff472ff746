//! tsigpipe: catch SIGPIPE (`tcpcliserv/tsigpipe.c`, a test program for
//! §5.13, "SIGPIPE signal").
//!
//! Connects to a daytime server, which sends the time and closes at once.
//! Two seconds later the client writes `hello`: the write succeeds, and the
//! server's TCP answers it with an RST. Two seconds after that it writes
//! `world` to the reset connection: the kernel sends SIGPIPE, the handler
//! prints `SIGPIPE received`, the write fails with `EPIPE`, and the program
//! dies with `write error: Broken pipe` (exit 1).
//!
//! Run: against a daytime server on port 13, `tsigpipe 127.0.0.1` (intro's
//! `daytimetcpsrv` as root); or with the port convention,
//! `daytimetcpsrv 40013 &` and `tsigpipe 127.0.0.1 40013`.
//!
//! Differs from the C: the handler writes its line with `write(2)`, which
//! is async-signal-safe, where the C calls `printf`, which is not; the
//! optional port argument.

use std::thread::sleep;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Type};
use unp::signal::{signal, write_in_handler};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, wrap};

/// The well-known port of the daytime service (RFC 867).
const DAYTIME_PORT: u16 = 13;

extern "C" fn sig_pipe(_signo: libc::c_int) {
    let saved = Errno::last_raw();
    write_in_handler(libc::STDOUT_FILENO, &[b"SIGPIPE received\n"]);
    Errno::set_raw(saved);
}

fn main() {
    let (addr, port) = tcpcli_args(DAYTIME_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = servaddr_v4(&addr, port);

    signal(Signal::SIGPIPE, SigHandler::Handler(sig_pipe));

    wrap::connect(&sockfd, &servaddr);

    sleep(Duration::from_secs(2));
    wrap::write(&sockfd, b"hello");
    sleep(Duration::from_secs(2));
    wrap::write(&sockfd, b"world");
}
