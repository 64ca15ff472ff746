//! `libgai/testga.c`: the book's test driver for `getaddrinfo` and
//! `getnameinfo`. Options build the hints; each result is printed as the
//! `socket()` call it is made for and its address, a socket is made to
//! check the values, and `getnameinfo` maps the address back.
//!
//! Run: `testga -f inet -t stream -h localhost -s daytime -c` prints
//!
//! ```text
//!
//! socket(AF_INET, SOCK_STREAM, 6), ai_canonname = localhost
//!     address: 127.0.0.1:13
//! ```
//!
//! (an empty line before each result; a tab before `address:`).
//!
//! Options: `-h host`, `-s service`, `-c` (`AI_CANONNAME`), `-p`
//! (`AI_PASSIVE`), `-l N` (loop N times, printing ` N` every 1000),
//! `-f inet|inet6|unix`, `-r protocol` (name or number), `-t
//! stream|dgram|raw|rdm|seqpacket`, `-v` (also print the hints and
//! `\tgetnameinfo: host = H, serv = S`), `-e` (the table of error cases:
//! the first mismatch prints `expected return = E (text),\nactual return = A
//! (text)` and the arguments, and exits 2). A failed lookup prints
//! `getaddrinfo return code = N (text)` and exits 1. `-h /local -s /tmp/x`
//! gives libgai's Unix-domain results, as [`libgai::ga_unix`] explains.
//!
//! Differs from the C: the lookups are glibc's, with libgai's Unix-domain
//! case added ([`libgai::getaddrinfo`]); a numeric service outside 0-65535
//! is refused before glibc sees it (`getaddrinfo return code = -2147483648
//! (port must be a number from 0 to 65535)`; glibc would wrap it); `-l`
//! takes a number only. Bad options print the C's help on stdout, as the C
//! does, its first line `usage: testaddrinfo [ options ]   (this is
//! testga)` (the naming rule), and one line on stderr (`usage: testaddrinfo
//! [ options ]: extra args   (this is testga)`) with exit status 1; the C
//! prints its message on stdout.

use std::io::{self, Write};

use socket2::Socket;
use unp::netdb::{getnameinfo, Hints};
use unp::{err_quit, sock_ntop};

const HELP: &str = "\
options: -h <host>    (can be hostname or address string)
         -s <service> (can be service name or decimal port number)
         -c    AI_CANONICAL flag
         -p    AI_PASSIVE flag
         -l N  loop N times (check for memory leaks with ps)
         -f X  address family, X = inet, inet6, unix
         -r X  protocol, X = tcp, udp, ... or number e.g. 6, 17, ...
         -t X  socket type, X = stream, dgram, raw, rdm, seqpacket
         -v    verbose
         -e    only do test of error returns (no options required)
  without -e, one or both of <host> and <service> must be specified.";

fn usage(msg: &str) -> ! {
    // The naming rule's suffix, as `err_quit` adds it on stderr.
    let this_is = concat!("   (this is ", env!("CARGO_BIN_NAME"), ")");
    unp::outln!("usage: testaddrinfo [ options ]{this_is}\n{HELP}");
    match msg {
        "" => err_quit("usage: testaddrinfo [ options ]"),
        msg => err_quit(format!("usage: testaddrinfo [ options ]: {msg}")),
    }
}

fn main() {
    let args = unp::args::arguments("usage: testaddrinfo [ options ]", unp::args::Role::Client);
    if args.is_empty() {
        usage("");
    }
    let mut hints = Hints::default();
    let mut doerrtest = false;
    let mut loopcount: u64 = 1;
    let mut host: Option<String> = None;
    let mut serv: Option<String> = None;
    let mut vflag = false;

    // getopt(argc, argv, "cef:h:l:pr:s:t:v"): options until the first
    // argument that is not one; an option's value follows it or is the
    // next argument.
    let mut optind = 0;
    while optind < args.len() && args[optind].len() > 1 && args[optind].starts_with('-') {
        let arg = &args[optind];
        optind += 1;
        if arg == "--" {
            break;
        }
        for (i, c) in arg[1..].char_indices() {
            let mut optarg = || -> String {
                let rest = &arg[1 + i + c.len_utf8()..];
                if !rest.is_empty() {
                    rest.to_string()
                } else if optind < args.len() {
                    optind += 1;
                    args[optind - 1].clone()
                } else {
                    usage("unrecognized option")
                }
            };
            match c {
                'c' => hints.flags |= libc::AI_CANONNAME,
                'e' => doerrtest = true,
                'f' => {
                    hints.family = match optarg().as_str() {
                        "inet" => libc::AF_INET,
                        "inet6" => libc::AF_INET6,
                        "unix" => libc::AF_UNIX,
                        _ => usage("invalid -f option"),
                    };
                    break;
                }
                'h' => {
                    host = Some(optarg());
                    break;
                }
                'l' => {
                    loopcount = optarg()
                        .parse()
                        .unwrap_or_else(|_| usage("invalid -l option"));
                    break;
                }
                'p' => hints.flags |= libc::AI_PASSIVE,
                'r' => {
                    let name = optarg();
                    hints.protocol =
                        protocol_number(&name).unwrap_or_else(|| usage("invalid -r option"));
                    break;
                }
                's' => {
                    serv = Some(optarg());
                    break;
                }
                't' => {
                    hints.socktype = match optarg().as_str() {
                        "stream" => libc::SOCK_STREAM,
                        "dgram" => libc::SOCK_DGRAM,
                        "raw" => libc::SOCK_RAW,
                        "rdm" => libc::SOCK_RDM,
                        "seqpacket" => libc::SOCK_SEQPACKET,
                        _ => usage("invalid -t option"),
                    };
                    break;
                }
                'v' => vflag = true,
                _ => usage("unrecognized option"),
            }
        }
    }
    if optind < args.len() {
        usage("extra args");
    }

    if doerrtest {
        do_errtest();
        std::process::exit(0);
    }
    for i in 1..=loopcount {
        if do_onetest(host.as_deref(), serv.as_deref(), hints, i == 1, vflag) {
            std::process::exit(1);
        }
        if i % 1000 == 0 {
            unp::out!(" {i}");
            let _ = io::stdout().flush();
        }
    }
}

/// `-r`'s protocol: a name from `/etc/protocols`
/// ([`getprotobyname(3)`](https://man7.org/linux/man-pages/man3/getprotobyname.3.html))
/// or a number.
fn protocol_number(name: &str) -> Option<i32> {
    let c_name = std::ffi::CString::new(name).ok()?;
    // SAFETY: c_name is NUL-terminated; the static protoent returned is read
    // at once, in this single-threaded program.
    let proto = unsafe { libc::getprotobyname(c_name.as_ptr()) };
    match proto.is_null() {
        // SAFETY: a non-null result points to a valid protoent.
        false => Some(unsafe { (*proto).p_proto }),
        true => name.parse().ok(),
    }
}

/// The error cases that are easy to produce: each call must fail with the
/// `EAI_*` code given, or the mismatch is printed and the program exits 2.
fn do_errtest() {
    // A passive open with no host and no family: must succeed.
    do_funccall(None, Some("ftp"), libc::AI_PASSIVE, 0, 0, 0, 0);
    do_funccall(Some("localhost"), None, 999999, 0, 0, 0, libc::EAI_BADFLAGS);
    do_funccall(
        Some("localhost"),
        None,
        0,
        libc::AF_SNA,
        0,
        0,
        libc::EAI_FAMILY,
    );
    do_funccall(None, None, 0, 0, 0, 0, libc::EAI_NONAME);
    do_funccall(Some("lkjjkhjhghgfgfd"), None, 0, 0, 0, 0, libc::EAI_NONAME);
    do_funccall(None, Some("nosuchservice"), 0, 0, 0, 0, libc::EAI_NONAME);
    let dgram = libc::SOCK_DGRAM;
    do_funccall(
        Some("localhost"),
        Some("telnet"),
        0,
        0,
        dgram,
        0,
        libc::EAI_SERVICE,
    );
    let stream = libc::SOCK_STREAM;
    do_funccall(
        Some("localhost"),
        Some("tftp"),
        0,
        0,
        stream,
        0,
        libc::EAI_SERVICE,
    );
    let (inet, seqpacket) = (libc::AF_INET, libc::SOCK_SEQPACKET);
    do_funccall(
        Some("localhost"),
        None,
        0,
        inet,
        seqpacket,
        0,
        libc::EAI_SOCKTYPE,
    );
}

fn do_funccall(
    host: Option<&str>,
    serv: Option<&str>,
    flags: i32,
    family: i32,
    socktype: i32,
    protocol: i32,
    exprc: i32,
) {
    let hints = Hints {
        flags,
        family,
        socktype,
        protocol,
    };
    let rc = match libgai::getaddrinfo(host, serv, hints) {
        Ok(_) => 0,
        Err(e) => e.0,
    };
    if rc != exprc {
        unp::outln!(
            "expected return = {exprc} ({}),\nactual return = {rc} ({})",
            unp::GaiError(exprc),
            unp::GaiError(rc)
        );
        if let Some(host) = host {
            unp::outln!("  host = {host}");
        }
        if let Some(serv) = serv {
            unp::outln!("  serv = {serv}");
        }
        unp::outln!(
            "  flags = {flags}, family = {}, socktype = {}, protocol = {protocol}",
            str_fam(family),
            str_sock(socktype)
        );
        std::process::exit(2);
    }
}

/// One lookup; every result printed when `first`, and checked always.
/// Returns true when the lookup failed.
fn do_onetest(
    host: Option<&str>,
    serv: Option<&str>,
    hints: Hints,
    first: bool,
    vflag: bool,
) -> bool {
    let verbose = vflag && first;
    if let (Some(host), true) = (host, verbose) {
        unp::outln!("host = {host}");
    }
    if let (Some(serv), true) = (serv, verbose) {
        unp::outln!("serv = {serv}");
    }
    let res = match libgai::getaddrinfo(host, serv, hints) {
        Ok(res) => res,
        Err(e) => {
            unp::outln!("getaddrinfo return code = {} ({e})", e.0);
            return true;
        }
    };
    for ai in &res {
        if first {
            unp::out!(
                "\nsocket({}, {}, {})",
                str_fam(ai.domain.into()),
                str_sock(ai.ty.into()),
                i32::from(ai.protocol)
            );
            // Only the first result carries the canonical name.
            if let (Some(name), true) = (&ai.canonname, hints.flags & libc::AI_CANONNAME != 0) {
                unp::out!(", ai_canonname = {name}");
            }
            unp::outln!("\n\taddress: {}", sock_ntop(&ai.addr));
        }
        // Make the socket, to check that the values work together.
        if Socket::new(ai.domain, ai.ty, Some(ai.protocol)).is_err() {
            unp::outln!("call to socket() failed!");
        }
        // And map the address back.
        let flags = match i32::from(ai.ty) {
            libc::SOCK_DGRAM => libc::NI_DGRAM,
            _ => 0,
        };
        match getnameinfo(&ai.addr, flags) {
            Ok((rhost, rserv)) if verbose => {
                unp::outln!("\tgetnameinfo: host = {rhost}, serv = {rserv}")
            }
            Ok(_) => {}
            Err(e) => unp::outln!("getnameinfo returned {} ({e})", e.0),
        }
    }
    false
}

fn str_fam(family: i32) -> &'static str {
    match family {
        libc::AF_INET => "AF_INET",
        libc::AF_INET6 => "AF_INET6",
        libc::AF_UNIX => "AF_LOCAL",
        _ => "<unknown family>",
    }
}

fn str_sock(socktype: i32) -> &'static str {
    match socktype {
        libc::SOCK_STREAM => "SOCK_STREAM",
        libc::SOCK_DGRAM => "SOCK_DGRAM",
        libc::SOCK_RAW => "SOCK_RAW",
        libc::SOCK_RDM => "SOCK_RDM",
        libc::SOCK_SEQPACKET => "SOCK_SEQPACKET",
        _ => "<unknown socktype>",
    }
}
