//! Nonblocking connect: connect_nonb (owned by the nonblock work, issue 6).
