//! `sock_ntop` and `sock_ntop_host` (`lib/sock_ntop.c`,
//! `lib/sock_ntop_host.c`, Figure 3.14): a socket address as text.
//!
//! The C returns a pointer into a `static` buffer; these return a `String`.
//!
//! Every family the book prints: `AF_INET`, `AF_INET6`, `AF_UNIX`, and, in
//! place of BSD's `AF_LINK` (`sockaddr_dl`, which Linux lacks), Linux's
//! `AF_PACKET` (`sockaddr_ll`, what `getifaddrs(3)` gives for a link):
//! `AF_PACKET, index=2, 02:42:ac:11:00:02`.

use socket2::SockAddr;

/// Address and port in the book's format: `a.b.c.d:port`, `[v6addr]:port`
/// (the port left out when it is 0), a Unix-domain path (`@name` for
/// Linux's abstract names) or `(no pathname bound)`.
pub fn sock_ntop(addr: &SockAddr) -> String {
    if let Some(v4) = addr.as_socket_ipv4() {
        match v4.port() {
            0 => v4.ip().to_string(),
            port => format!("{}:{port}", v4.ip()),
        }
    } else if let Some(v6) = addr.as_socket_ipv6() {
        match v6.port() {
            0 => v6.ip().to_string(),
            port => format!("[{}]:{port}", v6.ip()),
        }
    } else if addr.is_unix() {
        crate::unix::sun_path(addr)
    } else if let Some(link) = sockaddr_ll(addr) {
        match link_address(&link) {
            None => format!("AF_PACKET, index={}", link.sll_ifindex),
            Some(mac) => format!("AF_PACKET, index={}, {mac}", link.sll_ifindex),
        }
    } else {
        format!(
            "sock_ntop: unknown AF_xxx: {}, len {}",
            addr.family(),
            addr.len()
        )
    }
}

/// The address alone, no port: `a.b.c.d` or `v6addr`; for `AF_PACKET`
/// the hardware address (`02:42:ac:11:00:02`), as the C prints `AF_LINK`'s
/// name, or `AF_PACKET, index=N` when there is none.
pub fn sock_ntop_host(addr: &SockAddr) -> String {
    match (addr.as_socket(), sockaddr_ll(addr)) {
        (Some(sa), _) => sa.ip().to_string(),
        (None, Some(link)) => {
            link_address(&link).unwrap_or_else(|| format!("AF_PACKET, index={}", link.sll_ifindex))
        }
        (None, None) => sock_ntop(addr),
    }
}

/// The `sockaddr_ll` of an `AF_PACKET` address
/// ([`packet(7)`](https://man7.org/linux/man-pages/man7/packet.7.html)).
fn sockaddr_ll(addr: &SockAddr) -> Option<libc::sockaddr_ll> {
    let whole = std::mem::size_of::<libc::sockaddr_ll>();
    if addr.family() != libc::AF_PACKET as libc::sa_family_t || (addr.len() as usize) < whole {
        return None;
    }
    // SAFETY: the storage holds at least size_of::<sockaddr_ll>() bytes of
    // an AF_PACKET address; read_unaligned copies them whatever the alignment.
    Some(unsafe { std::ptr::read_unaligned(addr.as_ptr().cast::<libc::sockaddr_ll>()) })
}

/// The hardware address of a link, `xx:xx:...`; None when it has none (lo).
fn link_address(link: &libc::sockaddr_ll) -> Option<String> {
    let len = usize::from(link.sll_halen).min(link.sll_addr.len());
    let bytes = &link.sll_addr[..len];
    (!bytes.is_empty() && bytes.iter().any(|&b| b != 0)).then(|| {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        hex.join(":")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn ntop(text: &str) -> String {
        sock_ntop(&SockAddr::from(text.parse::<SocketAddr>().unwrap()))
    }

    #[test]
    fn formats_follow_the_book() {
        assert_eq!(ntop("127.0.0.1:9877"), "127.0.0.1:9877");
        assert_eq!(ntop("127.0.0.1:0"), "127.0.0.1");
        assert_eq!(ntop("[::1]:13"), "[::1]:13");
        assert_eq!(ntop("[::ffff:127.0.0.1]:13"), "[::ffff:127.0.0.1]:13");
        let addr = SockAddr::from("[::1]:13".parse::<SocketAddr>().unwrap());
        assert_eq!(sock_ntop_host(&addr), "::1");
    }

    fn packet(ifindex: i32, mac: &[u8]) -> SockAddr {
        // SAFETY: an all-zero sockaddr_ll is valid; try_init's storage holds
        // one, and the length written is its size.
        let ((), addr) = unsafe {
            SockAddr::try_init(|storage, len| {
                let ll = storage.cast::<libc::sockaddr_ll>();
                let mut value: libc::sockaddr_ll = std::mem::zeroed();
                value.sll_family = libc::AF_PACKET as u16;
                value.sll_ifindex = ifindex;
                value.sll_halen = mac.len() as u8;
                value.sll_addr[..mac.len()].copy_from_slice(mac);
                std::ptr::write_unaligned(ll, value);
                *len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
                Ok(())
            })
        }
        .unwrap();
        addr
    }

    #[test]
    fn every_family_has_a_format() {
        let eth = packet(2, &[0x02, 0x42, 0xac, 0x11, 0, 2]);
        assert_eq!(sock_ntop(&eth), "AF_PACKET, index=2, 02:42:ac:11:00:02");
        assert_eq!(sock_ntop_host(&eth), "02:42:ac:11:00:02");
        let lo = packet(1, &[0; 6]);
        assert_eq!(sock_ntop(&lo), "AF_PACKET, index=1");
        assert_eq!(sock_ntop_host(&lo), "AF_PACKET, index=1");
        let unix = SockAddr::unix("/tmp/unp.sock").unwrap();
        assert_eq!(sock_ntop(&unix), "/tmp/unp.sock");
        assert_eq!(sock_ntop_host(&unix), "/tmp/unp.sock");
        let v4 = SockAddr::from("10.0.0.1:7".parse::<SocketAddr>().unwrap());
        assert_eq!(sock_ntop_host(&v4), "10.0.0.1");
    }

    #[test]
    fn the_loopback_link_from_getifaddrs() {
        let lo = nix::net::if_::if_nametoindex("lo").unwrap();
        let link = nix::ifaddrs::getifaddrs()
            .unwrap()
            .filter(|ifa| ifa.interface_name == "lo")
            .find_map(|ifa| {
                ifa.address
                    .as_ref()
                    .and_then(|a| a.as_link_addr().map(|_| *a))
            })
            .and_then(|a| crate::udp::to_sockaddr(&a))
            .expect("lo's AF_PACKET address");
        assert_eq!(sock_ntop(&link), format!("AF_PACKET, index={lo}"));
    }
}
