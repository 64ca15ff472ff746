//! Chapter 27 (`ipopts/`): IP options, the IPv4 source route.
//!
//! A source route lists the routers a datagram must pass: loose (LSRR,
//! other routers may come between) or strict (SSRR, only these). The
//! client builds the option with [`inet_srcrt_init`] and [`SourceRoute::add`]
//! (`sourceroute.c`, Figures 27.1–27.4) and sets it with
//! `setsockopt(IP_OPTIONS)`; each router on the list records its own
//! address in the option; the server reads the route its client's SYN
//! took, reversed for the replies, with `getsockopt(IP_OPTIONS)`, and
//! prints it ([`inet_srcrt_print`]).
//!
//! What Linux does:
//!
//! - **Source-routed datagrams are dropped** unless
//!   `net.ipv4.conf.all.accept_source_route` and the interface's own
//!   setting are both 1 (default 0: source routing is a way to get past
//!   address-based filters). That holds for every router on the route,
//!   for the server, and for the client, which receives the replies
//!   source-routed back. The tests show the refusal, then the route once
//!   the three hosts of the test network accept it.
//! - **`getsockopt(IP_OPTIONS)` returns the option alone**, reversed: type,
//!   length, pointer, then the addresses of the way back, the first hop
//!   included. BSD returns the first hop in front, then the option with a
//!   NOP; the book's `inet_srcrt_print` expects that and misreads Linux's
//!   (it printed `received option type 0` here). [`inet_srcrt_print`]
//!   reads Linux's.
//! - **IPv6 routing headers** (`udpcli01`/`udpserv01` of §27.6, type 0,
//!   `inet6_rth_*`): Linux refuses to send type 0 (RFC 5095 deprecated it
//!   for the same reason as above): `setsockopt(IPV6_RTHDR)` is `EINVAL`.
//!   Those two programs are not ported: without the header the client is
//!   `dg_cli` and the server `dg_echo` (chapter 8's `udpcli01` and
//!   `udpserv01`), and no type-0 header can reach the server to print.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use unp::{err_quit, host_serv};

/// `IPOPT_NOP`, `IPOPT_LSRR`, `IPOPT_SSRR` (`<netinet/ip.h>`).
pub const IPOPT_NOP: u8 = 1;
pub const IPOPT_LSRR: u8 = 131;
pub const IPOPT_SSRR: u8 = 137;
/// The most addresses the 40 bytes of options hold with the NOP.
const MAX_ADDRESSES: usize = 9;

/// A source route being built (the C's `optr`, `lenptr` and `ocnt`).
pub struct SourceRoute {
    opt: Vec<u8>,
}

/// `inet_srcrt_init` (Figure 27.2): a NOP for alignment, then the option
/// (strict when `strict`), its length (filled in as addresses are added)
/// and the pointer to the first address, 4.
pub fn inet_srcrt_init(strict: bool) -> SourceRoute {
    let code = match strict {
        true => IPOPT_SSRR,
        false => IPOPT_LSRR,
    };
    SourceRoute {
        opt: vec![IPOPT_NOP, code, 3, 4],
    }
}

impl SourceRoute {
    /// `inet_srcrt_add` (Figure 27.3): look up `host` and append its IPv4
    /// address; more than 10 dies with `too many source routes with: HOST`,
    /// an unknown host with `host_serv error for HOST, (no service name):
    /// ...`. Returns the length for `setsockopt`.
    pub fn add(&mut self, host: &str) -> usize {
        if self.opt.len() >= 4 + 4 * (MAX_ADDRESSES + 1) {
            err_quit(format!("too many source routes with: {host}"));
        }
        let ai = host_serv(Some(host), None, libc::AF_INET, 0).unwrap_or_else(|e| {
            err_quit(format!(
                "host_serv error for {host}, (no service name): {e}"
            ))
        });
        let addr = ai
            .iter()
            .find_map(|ai| ai.addr.as_socket_ipv4())
            .unwrap_or_else(|| err_quit(format!("host_serv error for {host}: no IPv4 address")));
        self.opt.extend_from_slice(&addr.ip().octets());
        self.opt[2] = (self.opt.len() - 1) as u8; // the option's length, without the NOP
        self.opt.len()
    }

    /// The bytes for `setsockopt(IP_OPTIONS)`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.opt
    }
}

/// `inet_srcrt_print` (Figure 27.5) for the option Linux returns (see the
/// crate doc): `received LSRR: a b c ` (each address followed by a
/// space, as the C prints them), or `received option type N`.
pub fn inet_srcrt_print(opts: &[u8]) -> String {
    let mut ptr = opts.iter().skip_while(|&&c| c == IPOPT_NOP);
    let c = ptr.next().copied().unwrap_or(0);
    let mut out = match c {
        IPOPT_LSRR => "received LSRR: ".to_string(),
        IPOPT_SSRR => "received SSRR: ".to_string(),
        _ => return format!("received option type {c}"),
    };
    let rest: Vec<u8> = ptr.copied().collect();
    let len = usize::from(rest.first().copied().unwrap_or(0)).saturating_sub(3);
    let addresses = rest.get(2..).unwrap_or_default();
    for addr in addresses[..len.min(addresses.len())].chunks_exact(4) {
        let _ = write!(
            out,
            "{} ",
            Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3])
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_is_built_as_in_figure_27_2() {
        let mut route = inet_srcrt_init(false);
        assert_eq!(route.add("10.0.1.254"), 8);
        assert_eq!(route.add("10.0.2.4"), 12);
        assert_eq!(
            route.as_bytes(),
            [1, 131, 11, 4, 10, 0, 1, 254, 10, 0, 2, 4]
        );
        assert_eq!(inet_srcrt_init(true).as_bytes()[1], IPOPT_SSRR);
    }

    #[test]
    fn linux_s_reversed_option_is_printed() {
        // What the server on D reads: LSRR, length 7, pointer 4, the
        // router's address on D's side; then the end of options.
        assert_eq!(
            inet_srcrt_print(&[131, 7, 4, 10, 0, 2, 254, 0]),
            "received LSRR: 10.0.2.254 "
        );
        assert_eq!(
            inet_srcrt_print(&[137, 11, 4, 10, 0, 3, 1, 10, 0, 2, 1, 0]),
            "received SSRR: 10.0.3.1 10.0.2.1 "
        );
        assert_eq!(inet_srcrt_print(&[68, 4, 5, 0]), "received option type 68");
        assert_eq!(inet_srcrt_print(&[131, 200]), "received LSRR: ");
    }
}
