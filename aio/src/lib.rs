//! Asynchronous I/O, the fifth I/O model of §6.2 (Figure 6.5), which the
//! book describes but does not show: the process asks for a read and is told
//! when it is done, the data already copied into its buffer. Three TCP echo
//! servers: `aioserv01` on POSIX aio, `uringserv01` on io_uring, one
//! request per operation, and `uringserv02` on io_uring's multishot
//! requests and provided buffers (`unp::uring`).
//!
//! The first two lend a buffer, for as long as an operation is in flight, to a writer
//! that Rust does not see: one of glibc's aio threads, or the kernel.
//! [`unp::lent::LentBuf`] is that buffer.

/// Bytes asked for per read, as the book's `str_echo` reads.
pub const BUFSIZE: usize = unp::MAXLINE;
