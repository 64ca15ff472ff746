//! Chapter 28 (`ping/`): raw sockets, and ping built on them.
//!
//! A raw socket (`socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)`) reads and
//! writes whole ICMP messages: the program builds the header itself and,
//! for ICMPv4, computes the checksum ([`unp::cksum::in_cksum`]). It needs
//! root or `CAP_NET_RAW`; `ping` gives root up with `setuid(getuid())` as
//! soon as the socket exists.
//!
//! What Linux does, and the program and tests rely on:
//!
//! - **A raw ICMPv4 socket receives every ICMP message** the host
//!   receives, with the IP header in front, including the echo requests
//!   of other pings and, on loopback, our own requests (shown with `-v` as
//!   `type = 8`). The identifier (the process id) picks our replies.
//! - **ICMPv6 is different**: the kernel fills in the checksum (it covers a
//!   pseudo-header the program does not see), replies arrive without the
//!   IPv6 header, the hop limit comes as `IPV6_HOPLIMIT` ancillary data once
//!   `IPV6_RECVHOPLIMIT` is on, and `ICMP6_FILTER` (RFC 3542) keeps all but
//!   echo replies away from the socket.
//! - **Without root**, `socket(2)` fails: `socket error: Operation not
//!   permitted`. Linux also has unprivileged ICMP "ping sockets"
//!   (`SOCK_DGRAM`, `IPPROTO_ICMP`), allowed only to the groups in
//!   `net.ipv4.ping_group_range`, where the kernel picks the identifier and
//!   strips the IP header. The book's program, and this one, use the raw
//!   socket.
