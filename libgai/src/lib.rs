//! The book's own `getaddrinfo` (`libgai/`): a portable implementation of
//! `getaddrinfo`, `getnameinfo`, `gai_strerror` and `freeaddrinfo` for the
//! systems of 1998 that had none, and `testga`, its test driver.
//!
//! Linux never builds the library (glibc has all four calls; the
//! Makefile's object list is empty), and this port does not copy it: the
//! lesson is what `getaddrinfo` returns for each combination of hints, which
//! `testga` prints, and glibc is what a reader's programs call. So:
//!
//! | libgai | here |
//! |---|---|
//! | `getaddrinfo` (`getaddrinfo.c`, `ga_*.c`) | [`getaddrinfo`]: glibc's, through [`unp::getaddrinfo`], plus the one thing glibc cannot do, [`ga_unix`] |
//! | `ga_unix`: host `/local` or `/unix` and a service that is a path give Unix-domain results | [`ga_unix`] |
//! | `getnameinfo` (`getnameinfo.c`, `gn_ipv46.c`) | [`unp::netdb::getnameinfo`] (glibc's) |
//! | `gai_strerror` | [`unp::GaiError`]'s text (glibc's `gai_strerror`) |
//! | `freeaddrinfo` | `Drop` of the `Vec` of results |
//!
//! Where glibc and the book disagree, `testga` shows glibc's answer: `testga
//! -e` stops at its first mismatch, an unknown service with no host, which
//! glibc reports as `-8 (Servname not supported for ai_socktype)` where the
//! book's table expects `-2 (Name or service not known)`.

use socket2::{Domain, Protocol, SockAddr, Type};
use unp::netdb::{AddrInfo, GaiError, Hints};

/// glibc's `EAI_ADDRFAMILY` (the libc crate does not declare it): the host
/// has no address of the family asked for.
pub const EAI_ADDRFAMILY: i32 = -9;

/// libgai's `getaddrinfo`: [`ga_unix`] when `host` is `/local` or `/unix`
/// and `serv` is a path (starts with `/`), else glibc's
/// [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html).
pub fn getaddrinfo(
    host: Option<&str>,
    serv: Option<&str>,
    hints: Hints,
) -> Result<Vec<AddrInfo>, GaiError> {
    match (host, serv) {
        (Some("/local" | "/unix"), Some(path)) if path.starts_with('/') => ga_unix(path, hints),
        _ => unp::getaddrinfo(host, serv, hints),
    }
}

/// libgai's `ga_unix`: the Unix-domain results for `path`, which glibc's
/// `getaddrinfo` does not give (`AF_UNIX` hints are `EAI_FAMILY` there): a
/// stream then a datagram result when no socket type is asked for, else
/// one of that type; the canonical name, with `AI_CANONNAME`, is the host's
/// name from [`uname(2)`](https://man7.org/linux/man-pages/man2/uname.2.html).
/// A family other than `AF_UNSPEC` or `AF_UNIX` is [`EAI_ADDRFAMILY`]; a
/// path too long for `sun_path` is `EAI_SERVICE`.
pub fn ga_unix(path: &str, hints: Hints) -> Result<Vec<AddrInfo>, GaiError> {
    if hints.family != libc::AF_UNSPEC && hints.family != libc::AF_UNIX {
        return Err(GaiError(EAI_ADDRFAMILY));
    }
    let addr = SockAddr::unix(path).map_err(|_| GaiError(libc::EAI_SERVICE))?;
    let types = match hints.socktype {
        0 => vec![Type::STREAM, Type::DGRAM],
        socktype => vec![Type::from(socktype)],
    };
    let canonname = match hints.flags & libc::AI_CANONNAME {
        0 => None,
        _ => {
            let myname = nix::sys::utsname::uname().map_err(|_| GaiError(libc::EAI_SYSTEM))?;
            Some(myname.nodename().to_string_lossy().into_owned())
        }
    };
    Ok(types
        .into_iter()
        .enumerate()
        .map(|(i, ty)| AddrInfo {
            domain: Domain::UNIX,
            ty,
            protocol: Protocol::from(0),
            addr: addr.clone(),
            canonname: if i == 0 { canonname.clone() } else { None },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_gives_unix_domain_results() {
        let hints = Hints {
            flags: libc::AI_CANONNAME,
            ..Hints::default()
        };
        let found = getaddrinfo(Some("/local"), Some("/tmp/s"), hints).unwrap();
        let types: Vec<Type> = found.iter().map(|ai| ai.ty).collect();
        assert_eq!(types, [Type::STREAM, Type::DGRAM]);
        assert_eq!(unp::sock_ntop(&found[0].addr), "/tmp/s");
        assert!(found[0].canonname.is_some() && found[1].canonname.is_none());
        let inet = Hints {
            family: libc::AF_INET,
            ..Hints::default()
        };
        assert_eq!(
            getaddrinfo(Some("/unix"), Some("/tmp/s"), inet).unwrap_err(),
            GaiError(EAI_ADDRFAMILY)
        );
    }
}
