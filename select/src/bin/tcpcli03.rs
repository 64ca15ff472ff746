//! `select/tcpcli03.c` (a test program of §6.6): connect to a chargen
//! server, `shutdown(SHUT_RD)`, then `pause()` to see what the kernel does
//! with the data that keeps coming.
//!
//! Run: `tcpcli03 127.0.0.1` against chargen on port 19, as the book does, or
//! `tcpcli03 127.0.0.1 <port>` against any server that sends without end.
//! Stop it with Ctrl-C.
//!
//! What Linux does (the book says it depends on the system): nothing is
//! discarded and nothing is reset. The data is still acknowledged and queued
//! in the receive buffer, where no read will ever take it (a read would
//! return end of file); once the buffer is full the window closes and the
//! sender blocks. `ss -tn` shows the growing Recv-Q.
//!
//! Differences from the C: the optional port argument.

use std::net::Shutdown;

use socket2::{Domain, Type};
use unp::{book_args, servaddr_v4, wrap};

fn main() {
    let (args, port) = book_args("usage: tcpcli03 <IPaddress> [port]", 1, 19);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&args[0], port));

    let _ = sockfd.shutdown(Shutdown::Read); // unchecked, as in the C

    nix::unistd::pause();
}
