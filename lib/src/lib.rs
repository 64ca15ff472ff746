//! `unp`: the book's libunp (`lib/` of *UNIX Network Programming, Vol. 1*,
//! 3rd ed.) in Rust, shared by every program of the workspace.
//!
//! | book | here |
//! |---|---|
//! | `err_sys`, `err_quit`, ... (`error.c`) | [`err_sys`], [`err_quit`], [`err_msg`], [`err_ret`], [`err_dump`] |
//! | capitalised wrappers (`Socket`, `Connect`, ...) | [`wrap`], and [`OrDie::or_die`] on any std/socket2/nix call |
//! | `readn`, `writen`, `readline` | [`readn`], [`writen`], [`LineReader`] (a buffer per descriptor) |
//! | `str_echo`, `str_cli` | [`str_echo`], [`str_cli`] |
//! | `sock_ntop`, `sock_ntop_host` | [`sock_ntop()`], [`sock_ntop_host`] |
//! | the server's `sockaddr_in` of the IPv4 clients (Figures 1.5, 5.4, 8.7) | [`servaddr_v4`] |
//! | the echo clients' command line (Figure 5.4), `Accept` of the single-process servers (Figure 6.22), and a listening socket for the servers not in the book | [`tcp`]: [`tcp::tcpcli_args`], [`tcp::accept_unless_out_of_fds`], [`tcp::listen_any`] |
//! | `tcp_connect`, `tcp_listen`, `host_serv`, `my_addrs`; `getnameinfo`, `getservbyname`, `getnetbyname`, and `gethostbyname` as `getaddrinfo` (chapter 11) | [`tcp_connect`], [`tcp_listen`], [`host_serv`] over [`getaddrinfo`]; [`netdb`] |
//! | `daemon_init`, `daemon_inetd`, and `daemon_proc` sending the err_* functions to syslog (chapter 13) | [`daemon`] |
//! | `signal` (`signal.c`), `sig_chld` | [`signal()`](signal::signal), [`signal::sig_chld_waitpid`] |
//! | `dg_cli`, `dg_echo`, `udp_client`, `udp_connect`, `udp_server`, `recvfrom_flags`, `sock_set_port`, `sock_set_addr` | [`udp`] |
//! | `connect_timeo`, `readable_timeo` (chapter 14) | [`timeo`] |
//! | `write_fd`, `read_fd`, and a `sockaddr_un` (chapter 15) | [`unix`] |
//! | `connect_nonb` (chapter 16) | [`nonb`] |
//! | `get_ifi_info` (chapter 17) | [`ifi`] |
//! | `mcast_join`, `mcast_leave`, `mcast_set_if`, `mcast_set_loop`, `mcast_set_ttl`, `mcast_get_*` (chapter 21) | [`mcast`] |
//! | `rtt_init`, `rtt_ts`, `rtt_start`, `rtt_stop`, `rtt_timeout`, ... (chapter 22) | [`rtt`] |
//! | `gf_time`, `ctime` | [`time`] |
//! | `in_cksum` (chapter 28), and the UDP checksum of chapter 29 | [`cksum`] |
//! | `tv_sub`, `ICMP6_FILTER`, option bytes for raw sockets (chapters 27-28) | [`raw`] |
//! | not in the book: a buffer lent to aio or io_uring (the model of Figure 6.5) | [`lent::LentBuf`] |
//! | not in the book: libevent's idea, one event loop over select, poll and epoll, for every design | [`event`] |
//! | not in the book: the io_uring loop (multishot, provided buffers) of uringserv02 and serv14 | [`uring`] |
//!
//! Sockets are [`socket2::Socket`]s; everything that reads or writes takes
//! any descriptor (`impl AsFd`), as the C takes an `int`.

pub mod args;
pub mod cksum;
pub mod daemon;
pub mod echo;
pub mod error;
pub mod event;
pub mod ifi;
pub mod lent;
pub mod mcast;
pub mod netdb;
pub mod nonb;
pub mod raw;
pub mod readline;
pub mod rtt;
pub mod signal;
pub mod sock_ntop;
pub mod tcp;
pub mod time;
pub mod timeo;
pub mod udp;
pub mod unix;
pub mod uring;
pub mod wrap;

pub use args::{book_args, server_args};
pub use echo::{str_cli, str_cli_with, str_echo};
pub use error::{err_dump, err_msg, err_quit, err_ret, err_sys, strerror, OrDie};
pub use netdb::{getaddrinfo, host_serv, tcp_connect, tcp_listen, AddrInfo, GaiError, Hints};
pub use readline::{fgets, readn, writen, LineReader};
pub use sock_ntop::{sock_ntop, sock_ntop_host};
pub use wrap::{inet_pton_v4_or_die, inet_pton_v6_or_die, servaddr_v4};

/// The TCP and UDP port of all the book's own echo servers.
pub const SERV_PORT: u16 = 9877;
/// The longest text line, and the usual buffer size.
pub const MAXLINE: usize = 4096;
/// A larger buffer size for bulk copies.
pub const BUFFSIZE: usize = 8192;
/// The default `listen(2)` backlog; the `LISTENQ` environment variable
/// overrides it in [`wrap::listen`].
pub const LISTENQ: i32 = 1024;
