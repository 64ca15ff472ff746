//! Chapter 1 (`intro/`): the daytime clients and servers, and `byteorder`.
//!
//! Each program holds its whole figure, as each C file does: the clients'
//! `socket`, `connect` and read loop of Figure 1.5, the servers' `socket`,
//! `bind`, `listen` and accept loop of Figure 1.9. The repetition between
//! the files is the book's own.
//!
//! Two things every program here does as the C does, which a reader may not
//! expect from Rust:
//!
//! - The client's read loop (Figure 1.5) copies whatever each `read`
//!   returns: TCP is a byte stream, so one 26-byte reply may take any
//!   number of reads (Exercises 1.4 and 1.5 count them).
//! - The servers set no `SO_REUSEADDR`: a server restarted at once may find
//!   its port still held by the last one's connections in TIME_WAIT, and
//!   die with `bind error: Address already in use`.
//!
//! One thing the clients do differently: each read is written whole, where
//! the C's `fputs` stops at a NUL byte in the reply (each client's doc says
//! so).
//!
//! The reply is `ctime(3)`'s 24 characters and `\r\n` (RFC 867), from
//! [`unp::time::ctime_now`].
