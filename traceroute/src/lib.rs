//! Chapter 28 (`traceroute/`): traceroute, from UDP probes with a growing
//! TTL and the ICMP errors they cause, read on a raw socket.
//!
//! What Linux does, and the tests rely on:
//!
//! - **ICMP errors are rate-limited** (`net.ipv4.icmp_ratelimit`,
//!   `net.ipv6.icmp.ratelimit`: one per second per destination after a
//!   short burst), except on loopback. A router that has answered a burst
//!   of probes may let the next one go unanswered: ` *`. The tests turn
//!   the limit off in the router (`sysctl net.ipv4.icmp_ratelimit=0`).
//! - **On one host** (loopback) the destination answers the first probe:
//!   one hop.
//! - Without a name server, `getnameinfo(3)` fails and only the address is
//!   printed; with one, or from `/etc/hosts`, `name (address)`.
//! - An unprivileged alternative exists: `IP_RECVERR` / `IPV6_RECVERR` on
//!   the UDP socket and `recvmsg(MSG_ERRQUEUE)` give each probe's ICMP error
//!   (with the offender's address) without a raw socket: what Linux's own
//!   `tracepath` does. The book's program, and this one, use the raw socket.
