//! What the raw-socket programs of chapters 27 to 29 share (`ping/`,
//! `traceroute/`, `icmpd/`, `ipopts/`): a socket option given as bytes,
//! the ICMPv6 type filter, the `struct timeval` the probes carry, and the
//! ICMP types and codes of `<netinet/ip_icmp.h>` and `<netinet/icmp6.h>`
//! they read (libc has none of them).

use std::io;
use std::net::IpAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::errno::Errno;
use nix::poll::{ppoll, PollFd, PollFlags};
use nix::sys::signal::{SigHandler, SigSet, Signal};
use nix::unistd::alarm;

use crate::error::{err_quit, err_sys, OrDie};
use crate::netdb::{host_serv, AddrInfo};

/// ICMPv4 types and codes (`<netinet/ip_icmp.h>`, RFC 792).
pub const ICMP_ECHOREPLY: u8 = 0;
pub const ICMP_UNREACH: u8 = 3;
pub const ICMP_UNREACH_PORT: u8 = 3;
pub const ICMP_UNREACH_NEEDFRAG: u8 = 4;
pub const ICMP_SOURCEQUENCH: u8 = 4;
pub const ICMP_ECHO: u8 = 8;
pub const ICMP_TIMXCEED: u8 = 11;
pub const ICMP_TIMXCEED_INTRANS: u8 = 0;
/// ICMPv6 types and codes (`<netinet/icmp6.h>`, RFC 4443).
pub const ICMP6_DST_UNREACH: u8 = 1;
pub const ICMP6_DST_UNREACH_NOPORT: u8 = 4;
pub const ICMP6_PACKET_TOO_BIG: u8 = 2;
pub const ICMP6_TIME_EXCEEDED: u8 = 3;
pub const ICMP6_TIME_EXCEED_TRANSIT: u8 = 0;
pub const ICMP6_ECHO_REQUEST: u8 = 128;
pub const ICMP6_ECHO_REPLY: u8 = 129;
/// `sizeof(struct ip6_hdr)`: the fixed IPv6 header.
pub const IP6_HDR_LEN: usize = 40;

/// [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
/// with the option's value as bytes, for the options neither socket2 nor
/// nix knows (`ICMP6_FILTER`, `IP_OPTIONS`).
pub fn setsockopt(fd: impl AsFd, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `value` is readable for `len` bytes; the kernel copies them.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_fd().as_raw_fd(),
            level,
            name,
            value.as_ptr().cast(),
            len,
        )
    };
    match rc {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

/// [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
/// into `value`, for the options neither socket2 nor nix knows
/// (`IP_OPTIONS`): the number of bytes the kernel wrote.
pub fn getsockopt(fd: impl AsFd, level: i32, name: i32, value: &mut [u8]) -> io::Result<usize> {
    let mut len = libc::socklen_t::try_from(value.len()).unwrap_or(libc::socklen_t::MAX);
    // SAFETY: `value` is writable for `len` bytes; the kernel writes at most
    // that many and stores the length it wrote in `len`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_fd().as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &mut len,
        )
    };
    match rc {
        0 => Ok(len as usize),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Whether `addr` is in "this network", `0.0.0.0/8`, or is `::`: never a
/// destination (RFC 1122 §3.2.1.3, RFC 4291 §2.5.2). getaddrinfo reads a
/// bare number as an IPv4 address (`99999` is `0.1.134.159`), and Linux
/// sends probes there for ever; ping and traceroute refuse it instead.
pub fn never_a_destination(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => v4.octets()[0] == 0,
        IpAddr::V6(v6) => v6.is_unspecified(),
    }
}

/// The destination of ping and traceroute: `Host_serv(host, NULL, 0, 0)`
/// (dying with the book's `host_serv error for HOST, (no service name):
/// ...`), refused when it is [`never_a_destination`] (`cannot PROGRAM ADDR:
/// not a destination address`).
pub fn destination(host: &str, program: &str) -> AddrInfo {
    let ai = host_serv(Some(host), None, libc::AF_UNSPEC, 0)
        .unwrap_or_else(|e| {
            err_quit(format!(
                "host_serv error for {host}, (no service name): {e}"
            ))
        })
        .swap_remove(0);
    if let Some(sa) = ai
        .addr
        .as_socket()
        .filter(|sa| never_a_destination(sa.ip()))
    {
        err_quit(format!(
            "cannot {program} {}: not a destination address",
            sa.ip()
        ));
    }
    ai
}

/// Whether the destination is IPv6 (else IPv4), as ping's and
/// traceroute's `main` choose their `struct proto`: an IPv4-mapped IPv6
/// address dies with `cannot PROGRAM IPv4-mapped IPv6 address`, any other
/// family with `unknown address family N`.
pub fn is_ipv6(ai: &AddrInfo, program: &str) -> bool {
    match ai.addr.as_socket().map(|sa| sa.ip()) {
        Some(IpAddr::V4(_)) => false,
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_some() => {
            err_quit(format!("cannot {program} IPv4-mapped IPv6 address"))
        }
        Some(IpAddr::V6(_)) => true,
        None => err_quit(format!("unknown address family {}", ai.addr.family())),
    }
}

/// Set by [`sig_alrm`].
static GOTALARM: AtomicBool = AtomicBool::new(false);

/// The `SIGALRM` handler of ping and traceroute: it notes that the alarm
/// went off (the C's `gotalarm = 1`); the program acts on it outside.
extern "C" fn sig_alrm(_signo: libc::c_int) {
    GOTALARM.store(true, Ordering::Relaxed);
}

/// `SIGALRM` for a raw-socket loop without the race of §20.5: the signal
/// is blocked except inside [`AlarmWait::readable`]'s `ppoll(2)`, so an
/// alarm that fires between the program's check of the flag and its wait
/// interrupts the wait instead of being lost (the fix `pselect` brings).
pub struct AlarmWait {
    unblocked: SigSet,
}

impl AlarmWait {
    /// Install the handler and block `SIGALRM`.
    pub fn install() -> AlarmWait {
        crate::signal::signal(Signal::SIGALRM, SigHandler::Handler(sig_alrm));
        let mut alrm = SigSet::empty();
        alrm.add(Signal::SIGALRM);
        let mut unblocked = SigSet::thread_get_mask().or_die("sigprocmask error");
        unblocked.remove(Signal::SIGALRM);
        alrm.thread_block().or_die("sigprocmask error");
        AlarmWait { unblocked }
    }

    /// `alarm(secs)`, the flag cleared.
    pub fn set(&self, secs: u32) {
        GOTALARM.store(false, Ordering::Relaxed);
        alarm::set(secs);
    }

    /// `alarm(0)`.
    pub fn cancel(&self) {
        alarm::cancel();
    }

    /// Whether the alarm went off since the last check (the flag cleared).
    pub fn went_off(&self) -> bool {
        GOTALARM.swap(false, Ordering::Relaxed)
    }

    /// Wait in `ppoll(2)` until `fd` is readable (true) or a signal
    /// arrives (false: `EINTR`). Dies with `ppoll error`.
    pub fn readable(&self, fd: impl AsFd) -> bool {
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        match ppoll(&mut fds, None, Some(self.unblocked)) {
            Err(Errno::EINTR) => false,
            Err(err) => err_sys(&err.into(), "ppoll error"),
            Ok(_) => true,
        }
    }
}

/// `ICMP6_FILTER` (RFC 3542 §3.2; `<netinet/icmp6.h>`, absent from the
/// libc crate): the option at level `IPPROTO_ICMPV6`.
const ICMP6_FILTER: i32 = 1;

/// An ICMPv6 type filter (`struct icmp6_filter`, 256 bits, a set bit
/// blocks that type), as `ICMP6_FILTER_SETBLOCKALL` and
/// `ICMP6_FILTER_SETPASS` build it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmp6Filter([u32; 8]);

impl Icmp6Filter {
    /// `ICMP6_FILTER_SETBLOCKALL`: no type passes.
    pub fn block_all() -> Self {
        Icmp6Filter([u32::MAX; 8])
    }

    /// `ICMP6_FILTER_SETPASS`: `icmp6_type` passes too.
    pub fn pass(mut self, icmp6_type: u8) -> Self {
        self.0[usize::from(icmp6_type >> 5)] &= !(1 << (icmp6_type & 31));
        self
    }

    /// Whether `icmp6_type` passes (`ICMP6_FILTER_WILLPASS`).
    pub fn will_pass(&self, icmp6_type: u8) -> bool {
        self.0[usize::from(icmp6_type >> 5)] & (1 << (icmp6_type & 31)) == 0
    }

    /// Install the filter on a raw ICMPv6 socket
    /// (`setsockopt(IPPROTO_ICMPV6, ICMP6_FILTER)`).
    pub fn install(&self, fd: impl AsFd) -> io::Result<()> {
        let bytes: Vec<u8> = self.0.iter().flat_map(|w| w.to_ne_bytes()).collect();
        setsockopt(fd, libc::IPPROTO_ICMPV6, ICMP6_FILTER, &bytes)
    }
}

/// The size of the `struct timeval` a probe carries.
pub const TIMEVAL_LEN: usize = 16;

/// `gettimeofday` as the 16 bytes of a 64-bit `struct timeval` (seconds,
/// microseconds, host byte order), which ping and traceroute put into
/// each probe: the reply brings it back.
pub fn timeval_now() -> [u8; TIMEVAL_LEN] {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut tv = [0u8; TIMEVAL_LEN];
    tv[..8].copy_from_slice(&(now.as_secs() as i64).to_ne_bytes());
    tv[8..].copy_from_slice(&i64::from(now.subsec_micros()).to_ne_bytes());
    tv
}

/// The book's `tv_sub` then `sec * 1000.0 + usec / 1000.0`: milliseconds
/// from the `struct timeval` in `sent` (as [`timeval_now`] wrote it) to
/// `received` (the time `recvmsg` returned). A timeval that is not one (a
/// stranger's packet) gives a nonsense figure, as in C, never a panic.
pub fn rtt_ms(sent: &[u8; TIMEVAL_LEN], received: SystemTime) -> f64 {
    let secs = i64::from_ne_bytes(sent[..8].try_into().unwrap_or_default());
    let usecs = i64::from_ne_bytes(sent[8..].try_into().unwrap_or_default());
    let received = received
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let sec = received.as_secs() as i64 - secs;
    let usec = i64::from(received.subsec_micros()) - usecs;
    sec as f64 * 1000.0 + usec as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_bits_follow_rfc3542() {
        let filter = Icmp6Filter::block_all().pass(129);
        assert!(filter.will_pass(129));
        assert!(!filter.will_pass(128));
        assert_eq!(filter.0[4], !(1 << 1), "type 129 is bit 1 of word 4");
    }

    #[test]
    fn this_network_is_never_a_destination() {
        for bad in ["0.1.134.159", "0.0.0.0", "::"] {
            assert!(never_a_destination(bad.parse().unwrap()), "{bad}");
        }
        for good in ["127.0.0.1", "1.0.0.0", "::1"] {
            assert!(!never_a_destination(good.parse().unwrap()), "{good}");
        }
    }

    #[test]
    fn rtt_of_a_timeval() {
        let sent = timeval_now();
        let secs = i64::from_ne_bytes(sent[..8].try_into().unwrap());
        let usecs = i64::from_ne_bytes(sent[8..].try_into().unwrap());
        let later = UNIX_EPOCH + Duration::new(secs as u64 + 1, (usecs as u32 + 500) * 1000);
        assert!((rtt_ms(&sent, later) - 1000.5).abs() < 1e-9);
    }
}
