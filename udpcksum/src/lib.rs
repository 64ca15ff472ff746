//! Chapter 29 (`udpcksum/`): datalink access.
//!
//! The book reads packets at the datalink through libpcap, which sits on
//! BPF (BSD), DLPI (Solaris) or `SOCK_PACKET` (Linux), and writes its own
//! IP datagrams on a raw socket with `IP_HDRINCL`. Linux offers the
//! datalink directly: an `AF_PACKET` socket sees every frame of an
//! interface (`SOCK_RAW`, with the link header) or every packet
//! (`SOCK_DGRAM`, without it: what `udpcksum` uses), and classic BPF can
//! be attached to it with `SO_ATTACH_FILTER` (libpcap compiles its filter
//! strings to that). Both need root (`CAP_NET_RAW`).
//!
//! UDP checksums on Linux: always computed on send for IPv4, unless the
//! socket sets `SO_NO_CHECK`, which sends 0, "no checksum"; a received 0 is
//! accepted. There is no system-wide knob (BSD's `udpcksum` sysctl of
//! §29.7 and `route/`'s `checkudpsum`). On a veth pair the checksum may be
//! left for an offload that never happens (`CHECKSUM_PARTIAL`): a capture
//! there sees a nonzero but unfinished value, still "on".
