//! tcpsend03: tcpsend01 under the name the book gives it for tcprecv03
//! (`oob/tcpsend03.c`, a copy of `oob/tcpsend01.c`, Figure 24.3): writes
//! `123`, OOB `4`, `56`, OOB `7`, `89`, one second apart.
//!
//! Run: `tcprecv03 9999 &` then `tcpsend03 127.0.0.1 9999`.
//!
//! Differs from the C: nothing; the code is tcpsend01's own file.

#[path = "tcpsend01.rs"]
mod tcpsend01;

fn main() {
    tcpsend01::main();
}
