//! Figures 28.28–28.29, `icmpd/udpcli01.c` and `dgcli01.c`: the UDP echo
//! client that learns its ICMP errors from `icmpd`.
//!
//! Its `dg_cli` binds the UDP socket to a port (`sock_bind_wild`), connects
//! to the daemon, passes it the socket with one byte (`write_fd`) and waits
//! for `1`. Then for each line: `sendto`, and `select` for 5 seconds on
//! both the UDP socket and the daemon's connection: a reply is printed, an
//! error from the daemon is printed as `ICMP error: dest = ..., <errno
//! text>, type = T, code = C`, and nothing is `socket timeout` on stderr.
//! The socket stays unconnected: without the daemon it would never hear of
//! the errors.
//!
//! Run: `icmpd-udpcli01 <hostname> <service> [pathname]` (the daemon's,
//! default `/tmp/icmpd`), e.g. `icmpd-udpcli01 10.0.2.4 echo` on the test
//! network, with `icmpd` running as root in the same host.
//!
//! Differs from the C: the optional pathname; the book's usage line names
//! `udpcli01` (`err_quit` adds `(this is icmpd-udpcli01)`); a refusal that
//! is not one byte prints `error creating icmp socket, n = 0, char = `
//! with nothing after it (the C prints whatever its buffer held); the
//! reply is written whole, NUL bytes included.

use std::io::{self, BufRead, Write};
use std::os::fd::AsFd;

use icmpd::{sock_bind_wild, IcmpdErr, ICMPD_ERR_LEN, ICMPD_PATH};
use nix::sys::select::{select, FdSet};
use nix::sys::time::{TimeVal, TimeValLike};
use socket2::{SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::udp::{recvfrom, sendto, udp_client};
use unp::unix::{sockaddr_un, write_fd};
use unp::{err_quit, fgets, outln, sock_ntop, strerror, wrap, OrDie, MAXLINE};

const USAGE: &str = "usage: udpcli01 <hostname> <service> [pathname]";

fn main() {
    let args = arguments(USAGE, Role::Client);
    let (host, serv, path) = match args.as_slice() {
        [host, serv] => (host, serv, ICMPD_PATH),
        [host, serv, path] => (host, serv, path.as_str()),
        _ => err_quit(USAGE),
    };
    let (sockfd, sa) = udp_client(Some(host), serv);
    dg_cli(&mut io::stdin().lock(), &sockfd, &sa, path);
}

/// `dg_cli` of `dgcli01.c`.
fn dg_cli(fp: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr, path: &str) {
    sock_bind_wild(sockfd, pservaddr.family()).or_die("sock_bind_wild error");

    let icmpfd = wrap::socket(socket2::Domain::UNIX, Type::STREAM);
    wrap::connect(&icmpfd, &sockaddr_un(path));
    write_fd(&icmpfd, b"1", sockfd).or_die("write_fd error");
    let mut recvline = [0u8; MAXLINE];
    let n = wrap::read(&icmpfd, &mut recvline[..1]);
    if n != 1 || recvline[0] != b'1' {
        let c = String::from_utf8_lossy(&recvline[..n]);
        err_quit(format!("error creating icmp socket, n = {n}, char = {c}"));
    }

    let mut sendline = Vec::new();
    let mut stdout = io::stdout();
    while fgets(fp, &mut sendline, MAXLINE).or_die("fgets error") {
        sendto(sockfd, &sendline, pservaddr);
        let mut tv = TimeVal::seconds(5);
        let mut rset = FdSet::new();
        rset.insert(sockfd.as_fd());
        rset.insert(icmpfd.as_fd());
        if select(None, &mut rset, None, None, &mut tv).or_die("select error") == 0 {
            eprintln!("socket timeout");
            continue;
        }
        if rset.contains(sockfd.as_fd()) {
            let (n, _) = recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
            stdout.write_all(&recvline[..n]).or_die("fputs error");
            stdout.flush().or_die("fputs error");
        }
        if rset.contains(icmpfd.as_fd()) {
            let mut icmpd_err = [0u8; ICMPD_ERR_LEN];
            match wrap::read(&icmpfd, &mut icmpd_err) {
                0 => err_quit("ICMP daemon terminated"),
                ICMPD_ERR_LEN => {}
                n => err_quit(format!("n = {n}, expected {ICMPD_ERR_LEN}")),
            }
            let Some(err) = IcmpdErr::from_bytes(&icmpd_err) else {
                err_quit("ICMP daemon sent an address that is not IPv4 or IPv6");
            };
            let dest = sock_ntop(&err.dest.into());
            let text = strerror(&io::Error::from_raw_os_error(err.errno));
            outln!(
                "ICMP error: dest = {dest}, {text}, type = {}, code = {}",
                err.icmp_type,
                err.icmp_code
            );
        }
    }
}
