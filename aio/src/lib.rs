//! Asynchronous I/O, which the book describes but does not show: POSIX aio and io_uring
