//! `sock_ntop` and `sock_ntop_host` (`lib/sock_ntop.c`,
//! `lib/sock_ntop_host.c`, Figure 3.14): a socket address as text.
//!
//! The C returns a pointer into a `static` buffer; these return a `String`.

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
    } else {
        format!(
            "sock_ntop: unknown AF_xxx: {}, len {}",
            addr.family(),
            addr.len()
        )
    }
}

/// The address alone, no port: `a.b.c.d` or `v6addr`.
pub fn sock_ntop_host(addr: &SockAddr) -> String {
    match addr.as_socket() {
        Some(sa) => sa.ip().to_string(),
        None => sock_ntop(addr),
    }
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
}
