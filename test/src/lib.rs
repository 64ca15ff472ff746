//! The book's `test/` directory: small programs that check one behaviour
//! of the implementation, not printed as figures, and the three `readline`
//! versions they time.
//!
//! | C file | here | what it checks |
//! |---|---|---|
//! | accept_eintr.c | `accept_eintr` | is `accept` restarted after a signal handler installed with `SA_RESTART` returns? On Linux, yes |
//! | readline1.c (Figure 3.17), treadline1.c | [`readline1`], `treadline1` | one `read(2)` per byte: correct, and painfully slow |
//! | readline2.c (Figure 3.18), treadline2.c | [`readline2`], `treadline2` | one buffer for the whole process: a `read` per 4096 bytes |
//! | readline3.c, readline.h, treadline3.c | [`unp::LineReader`], `treadline3` | the caller holds the state (`Rline`): a buffer per descriptor, safe for threads |
//! | tsnprintf.c | `tsnprintf` | what `snprintf` returns when the output does not fit |
//! | tisfdtype.c | `tisfdtype` | `isfdtype(fd, S_IFSOCK)`: is a descriptor a socket? |
//! | tshutdown.c | `tshutdown` | closing stdin is not `shutdown`: the server never sees end of file |
//! | test1.c, funcs.c, test.h | `test-test1` | `sendto`, `recvfrom` and `write` on TCP and on connected and unconnected UDP sockets: where Linux differs from 4.4BSD |
//! | test2.c | `test-test2` | `udp_client` returns descriptor 3 |

pub mod readline1;
pub mod readline2;
