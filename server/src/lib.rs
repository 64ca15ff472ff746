//! Chapter 30 (`server/`): client/server design alternatives, and the
//! designs that came after.
//!
//! Every server here speaks one protocol (a line holding a byte count N in,
//! N bytes out, until the client closes) and differs only in how it gets
//! connections and where it runs the requests. What they share lives here,
//! once:
//!
//! | book (`server/*.c`) | here |
//! |---|---|
//! | the command line of `client.c`, `clientrst.c` (Figure 30.3) | [`client`] |
//! | `web_child.c` (§30.5), `readline.c` | [`web_child`](mod@web_child) (over [`unp::LineReader`]) |
//! | `pr_cpu_time.c` (§30.5) | [`cpu::pr_cpu_time`] |
//! | `child02*.c`, `child03*.c`, `child04.c` (§30.6–30.8), the `sig_int`s | [`prefork`] |
//! | `pthread07.c`, `pthread08.c`, `pthread09.c` (`thread_make`, §30.11) | [`prethread`] |
//! | `lock_fcntl.c`, `lock_pthread.c` (§30.7, §30.8) | [`lock`] |
//! | `meter.c` | [`meter`] |
//! | `lib/write_fd.c`, `lib/read_fd.c` (serv05) | [`unp::unix`] (shared with chapter 15) |
//! | `[<host>] <port#> [<#children>]` | [`args`] |
//! | the handlers' `printf` and `exit` | [`signals`] (a self-pipe) |
//! | (not in the book) `web_child` as a state machine on the event loop (serv10–serv13) | [`web_conn`] |

pub mod args;
pub mod client;
pub mod cpu;
pub mod lock;
pub mod meter;
pub mod prefork;
pub mod prethread;
pub mod signals;
pub mod web_child;
pub mod web_conn;

pub use web_child::{web_child, MAXN};
