//! Wrappers that die with the book's message (`lib/wrapsock.c`,
//! `lib/wrapunix.c`, `lib/wraplib.c`).
//!
//! Each one makes the system call through std, socket2 or nix and, on
//! failure, calls [`err_sys`] with `<name> error`. Calls
//! with no special behaviour need no wrapper of their own: use
//! [`OrDie`] on the socket2 or nix call, as in
//! `sock.set_linger(..).or_die("setsockopt error")`.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4};
use std::os::fd::AsFd;

use socket2::{Domain, SockAddr, Socket, Type};

use crate::error::{err_quit, err_ret, err_sys, OrDie};

/// [`socket(2)`](https://man7.org/linux/man-pages/man2/socket.2.html), the
/// book's `Socket`: dies with `socket error`.
pub fn socket(domain: Domain, ty: Type) -> Socket {
    Socket::new(domain, ty, None).or_die("socket error")
}

/// [`bind(2)`](https://man7.org/linux/man-pages/man2/bind.2.html), the book's
/// `Bind`: dies with `bind error`, for example `bind error: Permission denied`
/// for port 13 without root.
pub fn bind(sock: &Socket, addr: &SockAddr) {
    sock.bind(addr).or_die("bind error")
}

/// [`listen(2)`](https://man7.org/linux/man-pages/man2/listen.2.html), the
/// book's `Listen`: the `LISTENQ` environment variable, when set, replaces
/// `backlog`. Dies with `listen error`.
pub fn listen(sock: &Socket, backlog: i32) {
    let backlog = std::env::var("LISTENQ")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(backlog);
    sock.listen(backlog).or_die("listen error")
}

/// [`accept(2)`](https://man7.org/linux/man-pages/man2/accept.2.html), the
/// book's `Accept`: retries `ECONNABORTED` and `EPROTO` (a client that reset
/// before the call), dies with `accept error` on anything else, `EINTR`
/// included, as the book's wrapper does.
pub fn accept(listener: &Socket) -> (Socket, SockAddr) {
    loop {
        match listener.accept() {
            Ok(pair) => return pair,
            Err(err) if is_aborted_connection(&err) => continue,
            Err(err) => err_sys(&err, "accept error"),
        }
    }
}

/// [`accept(2)`](https://man7.org/linux/man-pages/man2/accept.2.html) for a
/// blocking server that must outlive running out of descriptors (not in the
/// book, whose `Accept` dies with `accept error: Too many open files`): as
/// [`accept`], except that on `EMFILE` or `ENFILE` it prints that line once,
/// then tries again every 10 ms until a client leaves and frees one. The
/// waiting connections stay in the listen queue meanwhile.
pub fn accept_when_fds_free(listener: &Socket) -> (Socket, SockAddr) {
    let mut reported = false;
    loop {
        match listener.accept() {
            Ok(pair) => return pair,
            Err(err) if is_aborted_connection(&err) => continue,
            Err(err) if is_out_of_fds(&err) => {
                if !reported {
                    err_ret(&err, "accept error");
                    reported = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(err) => err_sys(&err, "accept error"),
        }
    }
}

/// Whether an error means that no descriptor is left: in the process
/// (`EMFILE`, its `RLIMIT_NOFILE`) or in the system (`ENFILE`).
pub fn is_out_of_fds(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

/// Whether an `accept` error means only that one client went away before it
/// was accepted (`ECONNABORTED`, or `EPROTO` on SVR4-derived kernels): the
/// server should just accept again.
pub fn is_aborted_connection(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ECONNABORTED | libc::EPROTO))
}

/// [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html), the
/// book's `Connect`: dies with `connect error`.
pub fn connect(sock: &Socket, addr: &SockAddr) {
    sock.connect(addr).or_die("connect error")
}

/// [`close(2)`](https://man7.org/linux/man-pages/man2/close.2.html), the book's
/// `Close`: dropping a descriptor ignores close's error, this dies with
/// `close error`.
pub fn close(fd: impl std::os::fd::IntoRawFd) {
    nix::unistd::close(fd).or_die("close error")
}

/// [`getsockname(2)`](https://man7.org/linux/man-pages/man2/getsockname.2.html),
/// the book's `Getsockname`: dies with `getsockname error`.
pub fn getsockname(sock: &Socket) -> SockAddr {
    sock.local_addr().or_die("getsockname error")
}

/// [`getpeername(2)`](https://man7.org/linux/man-pages/man2/getpeername.2.html),
/// the book's `Getpeername`: dies with `getpeername error`.
pub fn getpeername(sock: &Socket) -> SockAddr {
    sock.peer_addr().or_die("getpeername error")
}

/// [`shutdown(2)`](https://man7.org/linux/man-pages/man2/shutdown.2.html), the
/// book's `Shutdown`: dies with `shutdown error`.
pub fn shutdown(sock: &Socket, how: Shutdown) {
    sock.shutdown(how).or_die("shutdown error")
}

/// [`fork(2)`](https://man7.org/linux/man-pages/man2/fork.2.html), the book's
/// `Fork`: dies with `fork error`.
///
/// # Safety
///
/// The caller must be single-threaded: in the child of a multi-threaded
/// process only async-signal-safe functions may run, and Rust code allocates
/// freely. Every forking program of the book is single-threaded.
pub unsafe fn fork() -> nix::unistd::ForkResult {
    // SAFETY: the caller guarantees the process is single-threaded.
    unsafe { nix::unistd::fork() }.or_die("fork error")
}

/// [`pthread_create(3)`](https://man7.org/linux/man-pages/man3/pthread_create.3.html),
/// the book's `Pthread_create`: a thread running `f`, or death with
/// `pthread_create error: Resource temporarily unavailable` when none can
/// be made, where `std::thread::spawn` panics. Dropping the handle detaches
/// the thread (`pthread_detach`).
pub fn pthread_create<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .spawn(f)
        .or_die("pthread_create error")
}

/// [`write(2)`](https://man7.org/linux/man-pages/man2/write.2.html), the
/// book's `Write`: one call, and a short write counts as an error, as in the
/// C. Dies with `write error`.
pub fn write(fd: impl AsFd, buf: &[u8]) {
    let n = nix::unistd::write(fd, buf).or_die("write error");
    if n != buf.len() {
        err_quit("write error")
    }
}

/// [`read(2)`](https://man7.org/linux/man-pages/man2/read.2.html), the book's
/// `Read`: dies with `read error` (`EINTR` included).
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> usize {
    nix::unistd::read(fd, buf).or_die("read error")
}

/// [`inet_pton(3)`](https://man7.org/linux/man-pages/man3/inet_pton.3.html) for
/// `AF_INET`, as the book's own copy in `libfree/inet_pton.c` parses it: four
/// decimal parts, each of any number of digits whose value stays at most
/// 255, so `010.1.1.1` is 10.1.1.1 and `127.0.0.0001` is 127.0.0.1 (glibc's
/// and Rust's parsers refuse leading zeros).
pub fn inet_pton4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() {
            return None;
        }
        let mut value = 0u32;
        for digit in part.bytes() {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(digit - b'0');
            if value > 255 {
                return None;
            }
        }
        *octet = value as u8;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

/// [`inet_pton(3)`](https://man7.org/linux/man-pages/man3/inet_pton.3.html) for
/// `AF_INET6`, as `libfree/inet_pton.c` parses it: hexadecimal groups and
/// `::`, with a dotted IPv4 tail (`::ffff:127.0.0.1`) parsed by
/// [`inet_pton4`], so that `::ffff:127.0.0.01` is accepted there too.
pub fn inet_pton6(text: &str) -> Option<Ipv6Addr> {
    let Some((head, tail)) = text.rsplit_once(':').filter(|(_, tail)| tail.contains('.')) else {
        return text.parse().ok();
    };
    let [a, b, c, d] = inet_pton4(tail)?.octets();
    let groups = format!(
        "{head}:{:x}:{:x}",
        u16::from_be_bytes([a, b]),
        u16::from_be_bytes([c, d])
    );
    groups.parse().ok()
}

/// The book's `Inet_pton(AF_INET, ...)`: dies with `inet_pton error for <text>`.
pub fn inet_pton_v4_or_die(text: &str) -> Ipv4Addr {
    inet_pton4(text).unwrap_or_else(|| err_quit(format!("inet_pton error for {text}")))
}

/// The book's `Inet_pton(AF_INET6, ...)`: dies with `inet_pton error for <text>`.
pub fn inet_pton_v6_or_die(text: &str) -> Ipv6Addr {
    inet_pton6(text).unwrap_or_else(|| err_quit(format!("inet_pton error for {text}")))
}

/// The server's `sockaddr_in` that the book's IPv4 clients fill in by hand
/// (Figures 1.5, 5.4 and 8.7): `addr` parsed with
/// [`inet_pton(3)`](https://man7.org/linux/man-pages/man3/inet_pton.3.html)
/// (dying with `inet_pton error for <addr>`), and `port`. The same for TCP
/// and UDP.
pub fn servaddr_v4(addr: &str, port: u16) -> SockAddr {
    SocketAddrV4::new(inet_pton_v4_or_die(addr), port).into()
}

/// The address the book's servers bind (Figures 1.9, 5.2 and 8.3): the
/// wildcard of `domain` (`INADDR_ANY`, or `in6addr_any` for `Domain::IPV6`)
/// and `port`.
pub(crate) fn wildcard_addr(domain: Domain, port: u16) -> SockAddr {
    match domain {
        Domain::IPV6 => SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
        _ => SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servaddr_v4_is_the_parsed_address_and_port() {
        let expected: SockAddr = SocketAddr::from(([127, 0, 0, 1], 9877)).into();
        assert_eq!(servaddr_v4("127.0.0.1", 9877), expected);
    }

    #[test]
    fn inet_pton4_follows_the_books_libfree() {
        assert_eq!(inet_pton4("127.0.0.1"), Some(Ipv4Addr::LOCALHOST));
        assert_eq!(inet_pton4("010.1.1.1"), Some(Ipv4Addr::new(10, 1, 1, 1)));
        // libfree limits a part's value, not its digits
        assert_eq!(inet_pton4("127.0.0.0001"), Some(Ipv4Addr::LOCALHOST));
        assert_eq!(
            inet_pton4("0000255.1.1.1"),
            Some(Ipv4Addr::new(255, 1, 1, 1))
        );
        for bad in [
            "foo",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4.",
            "256.1.1.1",
            "1.2.3.0256",
            "1..2.3",
            "1.2.3.+4",
            "99999999999999999999.1.1.1",
            "",
        ] {
            assert_eq!(inet_pton4(bad), None, "{bad}");
        }
    }

    #[test]
    fn inet_pton6_parses_a_dotted_tail_as_libfree_does() {
        let mapped = Some(Ipv4Addr::LOCALHOST.to_ipv6_mapped());
        assert_eq!(inet_pton6("::ffff:127.0.0.1"), mapped);
        assert_eq!(inet_pton6("::ffff:127.0.0.01"), mapped);
        assert_eq!(inet_pton6("::1"), Some(Ipv6Addr::LOCALHOST));
        assert_eq!(inet_pton6("::1.2.3.4"), "::102:304".parse().ok());
        for bad in [
            "1.2.3.4",
            "::ffff:127.0.0.256",
            "::ffff:1.2.3",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4:5",
            "foo",
        ] {
            assert_eq!(inet_pton6(bad), None, "{bad}");
        }
    }
}
