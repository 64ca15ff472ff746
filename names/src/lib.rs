//! Chapter 11 (`names/`): name and address conversions.
//!
//! The chapter moves from the IPv4-only calls of the 1980s
//! (`gethostbyname`, `gethostbyaddr`, `getservbyname`) to the
//! protocol-independent
//! [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
//! and
//! [`getnameinfo(3)`](https://man7.org/linux/man-pages/man3/getnameinfo.3.html),
//! and builds on them the helpers every later chapter uses: `tcp_connect`,
//! `tcp_listen`, `udp_client`, `udp_connect`, `udp_server` and `host_serv`
//! (all in [`unp::netdb`] and [`unp::udp`]). One client, `names-daytimetcpcli`,
//! then talks IPv4 or IPv6 depending only on what the name resolves to.
//!
//! What the Rust calls, for each C call of the chapter:
//!
//! | C | here | why |
//! |---|---|---|
//! | `gethostbyname`, `gethostbyname2` | [`unp::netdb::hostent`]: `getaddrinfo` with `AI_CANONNAME` | glibc's man page calls them obsolete; they are not reentrant and IPv4-only |
//! | `gethostbyaddr`, `gethostbyaddr_r` | [`unp::netdb::getnameinfo`] with `NI_NAMEREQD` | the same |
//! | `getservbyname` | [`unp::netdb::getservbyname`] (glibc's `getservbyname_r`) | not obsolete; kept so that a number is still refused as in the book |
//! | `getnetbyname` | [`unp::netdb::getnetbyname`] (glibc's `getnetbyname_r`) | no modern equivalent |
//! | `my_addrs` (`uname` + `gethostbyname`) | [`unp::netdb::my_addrs`] | both families |
//! | `Tcp_connect`, `Tcp_listen`, `Udp_client`, `Udp_connect`, `Udp_server` | [`unp::tcp_connect`], [`unp::tcp_listen`], [`unp::udp::udp_client`], [`unp::udp::udp_connect`], [`unp::udp::udp_server`] | |
//!
//! Differences from the C that every program here shares:
//!
//! - **No aliases.** `getaddrinfo` returns the canonical name and the
//!   addresses, never `h_aliases`, so the `\talias:` lines of `hostent`,
//!   `hostent2`, `hostent3` and `names-test1` are never printed.
//! - **Error texts are getaddrinfo's.** `gethostbyname error for host: H:
//!   Name or service not known` (`gai_strerror`) where the C prints
//!   `hstrerror(h_errno)` (`Unknown host`).
//! - **IPv6 where the C had none.** glibc's `gethostbyname` returns IPv4
//!   only; `prmyaddrs`, `prmyaddrs1` and `names-daytimetcpcli3` (whose IPv6
//!   branch is dead code in the C) look up both families. The `hostent`
//!   programs, whose lesson is the IPv4 `hostent`, ask for `AF_INET` only.
//! - **Names come from `/etc/hosts` and `/etc/services`** (glibc's
//!   `files` source in `/etc/nsswitch.conf`): the tests need no DNS.
//!   Without root they use only literals, port numbers and `localhost`;
//!   as root they make their own `/etc/hosts` (with `ip6-localhost` for
//!   `::1`, which Debian has and some containers lack), `/etc/services`,
//!   `/etc/networks` and a files-only `/etc/nsswitch.conf` in a private
//!   mount, network and UTS namespace.
//! - Programs whose C name another directory already uses are prefixed with
//!   `names-` (intro's `daytimetcpcli` and `daytimetcpsrv1` came first).
