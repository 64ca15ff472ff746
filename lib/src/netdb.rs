//! Name and service lookup over
//! [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
//! and the book's protocol-independent helpers built on it (`lib/tcp_connect.c`,
//! `lib/tcp_listen.c`, `lib/host_serv.c`, Figures 11.10 and 11.12).
//!
//! std's `ToSocketAddrs` knows host names but not service names
//! (`daytime`, `echo`), and neither socket2 nor nix wraps `getaddrinfo`, so
//! the one `unsafe` call lives here.

use std::ffi::{CStr, CString};
use std::fmt;
use std::io;
use std::ptr;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::error::{err_quit, err_sys};
use crate::{wrap, LISTENQ};

/// One result of `getaddrinfo`: what `socket(2)` and `connect(2)` or
/// `bind(2)` need.
#[derive(Clone, Debug)]
pub struct AddrInfo {
    pub domain: Domain,
    pub ty: Type,
    pub protocol: Protocol,
    pub addr: SockAddr,
    /// The canonical name, asked for with `AI_CANONNAME` (first result only).
    pub canonname: Option<String>,
}

/// A `getaddrinfo` failure: its `EAI_*` code, shown as
/// [`gai_strerror(3)`](https://man7.org/linux/man-pages/man3/gai_strerror.3.html)
/// shows it (`Name or service not known`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GaiError(pub i32);

impl GaiError {
    /// Not from `getaddrinfo`: a service that is a number outside 0-65535,
    /// or empty, refused by [`getaddrinfo`] before the call (a code no
    /// `EAI_*` uses).
    pub const PORT_RANGE: GaiError = GaiError(i32::MIN);
}

impl fmt::Display for GaiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == GaiError::PORT_RANGE {
            return f.write_str("port must be a number from 0 to 65535");
        }
        if self.0 == libc::EAI_SYSTEM {
            return f.write_str(&crate::strerror(&io::Error::last_os_error()));
        }
        // SAFETY: gai_strerror returns a pointer to a static NUL-terminated
        // string for any code.
        let text = unsafe { CStr::from_ptr(libc::gai_strerror(self.0)) };
        f.write_str(&text.to_string_lossy())
    }
}

/// What to ask `getaddrinfo` for: the `ai_flags`, `ai_family` and
/// `ai_socktype` of the hints.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
}

/// [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html):
/// every address for `host` (None: the wildcard or loopback, by
/// `AI_PASSIVE`) and `serv` (a name from `/etc/services` or a number).
///
/// Differs from the C: glibc reads a service that `strtoul` takes whole as
/// a port and keeps its low 16 bits, so `99999` is port 34463, `-1` is
/// 65535 and an empty service is port 0 (any); here those fail with
/// [`GaiError::PORT_RANGE`] (`port must be a number from 0 to 65535`)
/// before the call, in every helper built on this one.
pub fn getaddrinfo(
    host: Option<&str>,
    serv: Option<&str>,
    hints: Hints,
) -> Result<Vec<AddrInfo>, GaiError> {
    if serv.is_some_and(wraps_as_a_port) {
        return Err(GaiError::PORT_RANGE);
    }
    let host = host.map(|h| CString::new(h).map_err(|_| GaiError(libc::EAI_NONAME)));
    let serv = serv.map(|s| CString::new(s).map_err(|_| GaiError(libc::EAI_SERVICE)));
    let host = host.transpose()?;
    let serv = serv.transpose()?;
    // SAFETY: an all-zero addrinfo is a valid hints value.
    let mut c_hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    c_hints.ai_flags = hints.flags;
    c_hints.ai_family = hints.family;
    c_hints.ai_socktype = hints.socktype;
    let mut list: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: the strings are NUL-terminated and outlive the call; `list` is
    // an out-pointer that getaddrinfo fills on success.
    let rc = unsafe {
        libc::getaddrinfo(
            host.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
            serv.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            &c_hints,
            &mut list,
        )
    };
    if rc != 0 {
        return Err(GaiError(rc));
    }
    let mut results = Vec::new();
    let mut node = list;
    while !node.is_null() {
        // SAFETY: `node` is an element of the list getaddrinfo returned,
        // valid until freeaddrinfo below.
        let ai = unsafe { &*node };
        let len = (ai.ai_addrlen as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
        // SAFETY: ai_addr points to ai_addrlen initialised bytes of a
        // sockaddr of family ai_family; try_init's storage is large enough.
        let addr = unsafe {
            SockAddr::try_init(|storage, storage_len| {
                ptr::copy_nonoverlapping(ai.ai_addr.cast::<u8>(), storage.cast::<u8>(), len);
                *storage_len = len as libc::socklen_t;
                Ok(())
            })
        }
        .map(|((), addr)| addr)
        .map_err(|_| GaiError(libc::EAI_FAIL))?;
        let canonname = (!ai.ai_canonname.is_null()).then(|| {
            // SAFETY: a non-null ai_canonname is a NUL-terminated string.
            unsafe { CStr::from_ptr(ai.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        });
        results.push(AddrInfo {
            domain: Domain::from(ai.ai_family),
            ty: Type::from(ai.ai_socktype),
            protocol: Protocol::from(ai.ai_protocol),
            addr,
            canonname,
        });
        node = ai.ai_next;
    }
    // SAFETY: `list` came from a successful getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(results)
}

/// Whether glibc would take `serv` as a number (all of it parsed by
/// `strtoul`: blanks, a sign, digits; or nothing at all) that is not a port
/// from 0 to 65535, and so silently use another port.
fn wraps_as_a_port(serv: &str) -> bool {
    let unsigned = serv.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, digits) = match unsigned.as_bytes().first() {
        Some(b'-') => (true, &unsigned[1..]),
        Some(b'+') => (false, &unsigned[1..]),
        _ => (false, unsigned),
    };
    if serv.is_empty() {
        return true;
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false; // a service name
    }
    let zero = digits.bytes().all(|b| b == b'0');
    (negative && !zero) || digits.parse::<u16>().is_err()
}

/// The book's `host_serv` (Figure 11.9): `getaddrinfo` with `AI_CANONNAME`
/// for the given family (`AF_UNSPEC` for any) and socket type.
pub fn host_serv(
    host: Option<&str>,
    serv: Option<&str>,
    family: i32,
    socktype: i32,
) -> Result<Vec<AddrInfo>, GaiError> {
    getaddrinfo(
        host,
        serv,
        Hints {
            flags: libc::AI_CANONNAME,
            family,
            socktype,
        },
    )
}

/// The loop every book helper over `getaddrinfo` has: for each address,
/// make a socket and run `setup` on it (connect, or bind); return the first
/// socket whose setup succeeds, or the last error.
pub fn first_socket(
    addrs: &[AddrInfo],
    mut setup: impl FnMut(&Socket, &AddrInfo) -> io::Result<()>,
) -> io::Result<Socket> {
    let mut last_err = io::Error::from_raw_os_error(libc::EADDRNOTAVAIL);
    for ai in addrs {
        let attempt = Socket::new(ai.domain, ai.ty, Some(ai.protocol)).and_then(|sock| {
            setup(&sock, ai)?;
            Ok(sock)
        });
        match attempt {
            Ok(sock) => return Ok(sock),
            Err(err) => last_err = err,
        }
    }
    Err(last_err)
}

/// The book's `tcp_connect` (Figure 11.10): look up `host` and `serv`, try a
/// TCP connect to each address in turn, return the first that connects.
/// Dies with `tcp_connect error for H, S: <gai_strerror>` when the lookup
/// fails and `tcp_connect error for H, S: <strerror>` when every connect does.
pub fn tcp_connect(host: &str, serv: &str) -> Socket {
    let hints = Hints {
        socktype: libc::SOCK_STREAM,
        ..Hints::default()
    };
    let addrs = getaddrinfo(Some(host), Some(serv), hints)
        .unwrap_or_else(|e| err_quit(format!("tcp_connect error for {host}, {serv}: {e}")));
    first_socket(&addrs, |sock, ai| sock.connect(&ai.addr))
        .unwrap_or_else(|err| err_sys(&err, format!("tcp_connect error for {host}, {serv}")))
}

/// The book's `tcp_listen` (Figure 11.12): look up `host` (None: the
/// wildcard) and `serv` with `AI_PASSIVE`, set `SO_REUSEADDR`, bind the first
/// address that binds and listen with [`LISTENQ`] (or `$LISTENQ`). As in the
/// C, a missing host gives glibc's first answer, `0.0.0.0`: an IPv4 server.
/// Dies with `tcp_listen error for H, S: ...`.
pub fn tcp_listen(host: Option<&str>, serv: &str) -> Socket {
    tcp_listen_with(host, serv, |_| Ok(()))
}

/// [`tcp_listen`] with more socket options set before `bind`, such as
/// `SO_REUSEPORT` for several listening sockets on one port.
pub fn tcp_listen_with(
    host: Option<&str>,
    serv: &str,
    before_bind: impl Fn(&Socket) -> io::Result<()>,
) -> Socket {
    let hints = Hints {
        flags: libc::AI_PASSIVE,
        socktype: libc::SOCK_STREAM,
        ..Hints::default()
    };
    let shown = host_or_null(host);
    let addrs = getaddrinfo(host, Some(serv), hints)
        .unwrap_or_else(|e| err_quit(format!("tcp_listen error for {shown}, {serv}: {e}")));
    let sock = first_socket(&addrs, |sock, ai| {
        sock.set_reuse_address(true)?;
        before_bind(sock)?;
        sock.bind(&ai.addr)
    })
    .unwrap_or_else(|err| err_sys(&err, format!("tcp_listen error for {shown}, {serv}")));
    wrap::listen(&sock, LISTENQ);
    sock
}

/// A host for an error message: a missing one (the C's `NULL`) as glibc's
/// `printf("%s")` shows it, `(null)`.
pub(crate) fn host_or_null(host: Option<&str>) -> &str {
    host.unwrap_or("(null)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_resolve() {
        let hints = Hints {
            socktype: libc::SOCK_STREAM,
            ..Hints::default()
        };
        let addrs = getaddrinfo(Some("127.0.0.1"), Some("9877"), hints).unwrap();
        assert_eq!(
            addrs[0].addr.as_socket().unwrap().to_string(),
            "127.0.0.1:9877"
        );
        let err = getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), hints).unwrap_err();
        assert_eq!(err.to_string(), "Servname not supported for ai_socktype");
    }

    #[test]
    fn a_numeric_service_outside_the_port_range_is_refused() {
        for bad in ["99999", "65536", "", "-1", " 70000", "+65536"] {
            assert_eq!(
                getaddrinfo(Some("127.0.0.1"), Some(bad), Hints::default()).unwrap_err(),
                GaiError::PORT_RANGE,
                "{bad:?}"
            );
        }
        for good in ["0", "65535", "+80", " 80", "echo", "-", "1x"] {
            assert!(!wraps_as_a_port(good), "{good:?}");
        }
        assert_eq!(
            GaiError::PORT_RANGE.to_string(),
            "port must be a number from 0 to 65535"
        );
    }

    #[test]
    fn tcp_listen_and_tcp_connect_meet() {
        let listener = tcp_listen(Some("127.0.0.1"), "0");
        let port = listener.local_addr().unwrap().as_socket().unwrap().port();
        let client = tcp_connect("127.0.0.1", &port.to_string());
        assert_eq!(
            client.peer_addr().unwrap().as_socket().unwrap().port(),
            port
        );
    }
}
