//! tcprecv06: tcprecv04 under the name the book gives it for tcpsend06
//! (`oob/tcprecv06.c`, a copy of `oob/tcprecv04.c`, Figure 24.10). With
//! tcpsend06 it prints `read 5 bytes: 12345`, `at OOB mark`,
//! `read 2 bytes: 67`, `received EOF`: the second urgent byte moved the one
//! mark, and `4` is normal data (Figure 24.14).
//!
//! Run: `tcprecv06 9999 &` then `tcpsend06 127.0.0.1 9999`.
//!
//! Differs from the C: nothing; the code is tcprecv04's own file.

#[path = "tcprecv04.rs"]
mod tcprecv04;

fn main() {
    tcprecv04::main();
}
