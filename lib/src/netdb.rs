//! Name and service lookup over
//! [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
//! and the book's protocol-independent helpers built on it (`lib/tcp_connect.c`,
//! `lib/tcp_listen.c`, `lib/host_serv.c`, Figures 11.10 and 11.12), plus the
//! other `<netdb.h>` calls of chapter 11: [`getnameinfo`], [`getservbyname`],
//! [`getnetbyname`], and [`hostent`] and [`my_addrs`] in place of the
//! `gethostbyname` glibc calls obsolete.
//!
//! std's `ToSocketAddrs` knows host names but not service names
//! (`daytime`, `echo`), and neither socket2 nor nix wraps `getaddrinfo`, so
//! the `unsafe` calls live here.

use std::ffi::{CStr, CString};
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
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

/// What to ask `getaddrinfo` for: the `ai_flags`, `ai_family`,
/// `ai_socktype` and `ai_protocol` of the hints.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
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
    c_hints.ai_protocol = hints.protocol;
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
            ..Hints::default()
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
    let sock = bound_socket("tcp_listen", host, serv, libc::SOCK_STREAM, |sock| {
        sock.set_reuse_address(true)?;
        before_bind(sock)
    });
    wrap::listen(&sock, LISTENQ);
    sock
}

/// What `gethostbyname(3)` returned in its `struct hostent`, found the way
/// glibc recommends instead (the man page calls `gethostbyname` obsolete):
/// [`getaddrinfo`] with `AI_CANONNAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEnt {
    /// `h_name`: the official (canonical) name.
    pub name: String,
    /// `h_addr_list`: each address once, in `getaddrinfo`'s order.
    pub addrs: Vec<IpAddr>,
}

/// The modern `gethostbyname(3)`/`gethostbyname2(3)`:
/// [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
/// with `AI_CANONNAME` for `family` (`AF_INET` as `gethostbyname`, or
/// `AF_INET6`, or `AF_UNSPEC` for both). `getaddrinfo` gives no aliases:
/// `h_aliases` has no modern equivalent. Reentrant, unlike the C's static
/// `hostent`.
pub fn hostent(host: &str, family: i32) -> Result<HostEnt, GaiError> {
    let hints = Hints {
        flags: libc::AI_CANONNAME,
        family,
        socktype: libc::SOCK_STREAM, // one result per address, not three
        ..Hints::default()
    };
    let found = getaddrinfo(Some(host), None, hints)?;
    let mut addrs: Vec<IpAddr> = Vec::new();
    for ip in found
        .iter()
        .filter_map(|ai| ai.addr.as_socket())
        .map(|sa| sa.ip())
    {
        if !addrs.contains(&ip) {
            addrs.push(ip);
        }
    }
    let name = found
        .iter()
        .find_map(|ai| ai.canonname.clone())
        .unwrap_or_else(|| host.to_string());
    Ok(HostEnt { name, addrs })
}

impl HostEnt {
    /// The IPv4 addresses alone, the `h_addr_list` of `gethostbyname`.
    pub fn ipv4(&self) -> Vec<Ipv4Addr> {
        self.addrs
            .iter()
            .filter_map(|addr| match addr {
                IpAddr::V4(v4) => Some(*v4),
                IpAddr::V6(_) => None,
            })
            .collect()
    }
}

/// [`getnameinfo(3)`](https://man7.org/linux/man-pages/man3/getnameinfo.3.html):
/// the host and service of `addr` as text. With `NI_NAMEREQD` in `flags` it
/// is the modern `gethostbyaddr(3)` (fails unless a name is found); with
/// `NI_NUMERICHOST | NI_NUMERICSERV` it prints numbers only.
pub fn getnameinfo(addr: &SockAddr, flags: i32) -> Result<(String, String), GaiError> {
    let mut host = [0 as libc::c_char; libc::NI_MAXHOST as usize];
    // NI_MAXSERV
    let mut serv = [0 as libc::c_char; 32];
    // SAFETY: `addr` is a valid sockaddr of `addr.len()` bytes; each buffer
    // is writable for the length passed, and getnameinfo NUL-terminates it.
    let rc = unsafe {
        libc::getnameinfo(
            addr.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            serv.as_mut_ptr(),
            serv.len() as libc::socklen_t,
            flags,
        )
    };
    if rc != 0 {
        return Err(GaiError(rc));
    }
    // SAFETY: both buffers were NUL-terminated by a successful getnameinfo.
    let text = |buf: &[libc::c_char]| unsafe { CStr::from_ptr(buf.as_ptr()) };
    Ok((
        text(&host).to_string_lossy().into_owned(),
        text(&serv).to_string_lossy().into_owned(),
    ))
}

/// The book's `my_addrs` (`lib/my_addrs.c`): this host's addresses, found
/// by looking up its own name,
/// [`uname(2)`](https://man7.org/linux/man-pages/man2/uname.2.html)'s
/// `nodename`, with [`hostent`] for any family (the C's `gethostbyname`
/// gives IPv4 only). `None` when `uname` fails or the name is unknown.
pub fn my_addrs() -> Option<Vec<IpAddr>> {
    let myname = nix::sys::utsname::uname().ok()?;
    let myname = myname.nodename().to_str()?;
    hostent(myname, libc::AF_UNSPEC).ok().map(|h| h.addrs)
}

/// [`getservbyname(3)`](https://man7.org/linux/man-pages/man3/getservbyname.3.html)
/// (glibc's reentrant `getservbyname_r`): the port of service `name` for
/// protocol `proto` (`"tcp"`, `"udp"`) from `/etc/services`. A number is not
/// a service name: `getservbyname("13", "tcp")` finds nothing, as in the C.
pub fn getservbyname(name: &str, proto: &str) -> Option<u16> {
    extern "C" {
        // glibc's, in <netdb.h>; the libc crate does not declare it.
        fn getservbyname_r(
            name: *const libc::c_char,
            proto: *const libc::c_char,
            result_buf: *mut libc::servent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::servent,
        ) -> libc::c_int;
    }
    let name = CString::new(name).ok()?;
    let proto = CString::new(proto).ok()?;
    // SAFETY: an all-zero servent is a valid value to be overwritten.
    let mut entry: libc::servent = unsafe { std::mem::zeroed() };
    let mut buf = [0 as libc::c_char; 4096];
    let mut result: *mut libc::servent = ptr::null_mut();
    // SAFETY: the strings are NUL-terminated; entry, buf (of buf.len() bytes)
    // and result are writable and outlive the call.
    let rc = unsafe {
        getservbyname_r(
            name.as_ptr(),
            proto.as_ptr(),
            &mut entry,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    // s_port is in network byte order, in the low 16 bits of an int.
    (rc == 0 && !result.is_null()).then(|| u16::from_be(entry.s_port as u16))
}

/// What `getnetbyname(3)` returns in its `struct netent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetEnt {
    /// `n_name`: the official network name.
    pub name: String,
    /// `n_aliases`.
    pub aliases: Vec<String>,
    /// `n_addrtype`: always `AF_INET` from `/etc/networks`.
    pub addrtype: i32,
    /// `n_net`: the network number, in host byte order.
    pub net: u32,
}

/// [`getnetbyname(3)`](https://man7.org/linux/man-pages/man3/getnetbyname.3.html)
/// (glibc's reentrant `getnetbyname_r`): network `name` from
/// `/etc/networks`. No modern call replaces it. The error is the `h_errno`
/// code `getnetbyname_r` sets, shown by [`hstrerror`].
pub fn getnetbyname(name: &str) -> Result<NetEnt, i32> {
    let c_name = CString::new(name).map_err(|_| HOST_NOT_FOUND)?;
    // SAFETY: an all-zero netent is a valid value to be overwritten.
    let mut entry: libc::netent = unsafe { std::mem::zeroed() };
    let mut buf = [0 as libc::c_char; 4096];
    let mut result: *mut libc::netent = ptr::null_mut();
    let mut h_errno = 0;
    // SAFETY: the name is NUL-terminated; entry, buf (of buf.len() bytes),
    // result and h_errno are writable and outlive the call.
    let rc = unsafe {
        libc::getnetbyname_r(
            c_name.as_ptr(),
            &mut entry,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
            &mut h_errno,
        )
    };
    if rc != 0 || result.is_null() {
        return Err(match h_errno {
            0 => HOST_NOT_FOUND,
            code => code,
        });
    }
    // SAFETY: on success n_name is a NUL-terminated string and n_aliases a
    // NULL-terminated array of them, all inside `buf`, alive here.
    let text = |p: *const libc::c_char| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    let mut aliases = Vec::new();
    let mut alias = entry.n_aliases;
    // SAFETY: as above: the array ends with a NULL pointer.
    while !alias.is_null() && !unsafe { *alias }.is_null() {
        aliases.push(text(unsafe { *alias }));
        // SAFETY: not past the terminating NULL, checked above.
        alias = unsafe { alias.add(1) };
    }
    Ok(NetEnt {
        name: text(entry.n_name),
        aliases,
        addrtype: entry.n_addrtype,
        net: entry.n_net,
    })
}

/// `h_errno`: no such host. (The libc crate declares none of the `h_errno`
/// codes of `<netdb.h>`.)
pub const HOST_NOT_FOUND: i32 = 1;
/// `h_errno`: a temporary failure (no DNS server answered).
pub const TRY_AGAIN: i32 = 2;
/// `h_errno`: a failure that retrying will not mend.
pub const NO_RECOVERY: i32 = 3;
/// `h_errno`: the name exists but has no address.
pub const NO_DATA: i32 = 4;

/// [`hstrerror(3)`](https://man7.org/linux/man-pages/man3/hstrerror.3.html):
/// an `h_errno` code as glibc's text (`Unknown host`).
pub fn hstrerror(code: i32) -> &'static str {
    match code {
        HOST_NOT_FOUND => "Unknown host",
        TRY_AGAIN => "Host name lookup failure",
        NO_RECOVERY => "Unknown server error",
        NO_DATA => "No address associated with name",
        _ => "Unknown resolver error",
    }
}

/// The lookup and bind of the book's servers (`tcp_listen`, `udp_server`):
/// `getaddrinfo` with `AI_PASSIVE` for `socktype`, then the first address
/// whose socket, with `before_bind` run on it, binds. Dies with `WHAT error
/// for H, S: ...`.
pub(crate) fn bound_socket(
    what: &str,
    host: Option<&str>,
    serv: &str,
    socktype: i32,
    before_bind: impl Fn(&Socket) -> io::Result<()>,
) -> Socket {
    let hints = Hints {
        flags: libc::AI_PASSIVE,
        socktype,
        ..Hints::default()
    };
    let shown = host_or_null(host);
    let addrs = getaddrinfo(host, Some(serv), hints)
        .unwrap_or_else(|e| err_quit(format!("{what} error for {shown}, {serv}: {e}")));
    first_socket(&addrs, |sock, ai| {
        before_bind(sock)?;
        sock.bind(&ai.addr)
    })
    .unwrap_or_else(|err| err_sys(&err, format!("{what} error for {shown}, {serv}")))
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

    #[test]
    fn the_hostent_era_calls_have_their_modern_answers() {
        let v4 = hostent("127.0.0.1", libc::AF_INET).unwrap();
        assert_eq!(v4.name, "127.0.0.1");
        assert_eq!(v4.ipv4(), [Ipv4Addr::LOCALHOST]);
        // An IPv6 literal is no IPv4 host: gethostbyname's limit.
        assert!(hostent("::1", libc::AF_INET).is_err());
        assert_eq!(hostent("::1", libc::AF_INET6).unwrap().addrs.len(), 1);
        let addr = SockAddr::from("[::1]:9877".parse::<std::net::SocketAddr>().unwrap());
        let numeric = libc::NI_NUMERICHOST | libc::NI_NUMERICSERV;
        assert_eq!(
            getnameinfo(&addr, numeric).unwrap(),
            ("::1".to_string(), "9877".to_string())
        );
        // getservbyname knows names only, never numbers.
        assert_eq!(getservbyname("13", "tcp"), None);
        assert_eq!(getnetbyname("no-such-net").unwrap_err(), HOST_NOT_FOUND);
        assert_eq!(hstrerror(HOST_NOT_FOUND), "Unknown host");
    }
}
