//! Asynchronous I/O, the fifth I/O model of §6.2 (Figure 6.5), which the
//! book describes but does not show: the process asks for a read and is told
//! when it is done, the data already copied into its buffer. Two TCP echo
//! servers: `aioserv01` on POSIX aio, `uringserv01` on io_uring.
//!
//! Both lend a buffer, for as long as an operation is in flight, to a writer
//! that Rust does not see: one of glibc's aio threads, or the kernel.
//! [`unp::lent::LentBuf`] is that buffer.

/// Bytes asked for per read, as the book's `str_echo` reads.
pub const BUFSIZE: usize = unp::MAXLINE;
