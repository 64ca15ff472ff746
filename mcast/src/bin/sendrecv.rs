//! Figures 21.17-21.19, `mcast/main.c`, `send.c` and `recv.c`: send to a
//! multicast group and receive from it.
//!
//! Two sockets: one to send to `<IP-multicast-address> <port#>` (from
//! `udp_client`, its loopback turned off with `mcast_set_loop`, so this
//! host never gets its own datagrams), and one that receives: bound, with
//! `SO_REUSEADDR`, to the group address and port (several programs on one
//! host can share it; only datagrams to the group match), and joined to
//! the group. The child prints every datagram, `from <address:port>:
//! <line>`; the parent sends `<hostname>, <pid>` every 5 seconds. Both run
//! until killed.
//!
//! Run: `sendrecv 239.255.1.2 8888` on hosts B and C of `scripts/netlab`
//! (`on B sendrecv 239.255.1.2 8888 &`): each prints the other's lines,
//! never its own. IPv6: `sendrecv ff15::1234 8888` (a link-local group, `ff12::...`,
//! cannot be bound without a scope: `bind error: Invalid argument`).
//!
//! Differences from the C: none in behaviour.

use nix::sys::utsname::uname;
use nix::unistd::{getpid, sleep, ForkResult};
use socket2::{Domain, SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::mcast::{mcast_join, mcast_set_loop};
use unp::{udp, wrap, OrDie, MAXLINE};

/// Seconds between two datagrams.
const SENDRATE: u32 = 5;

/// Figure 21.18: the parent sends `<hostname>, <pid>` every [`SENDRATE`]
/// seconds.
fn send_all(sendfd: &Socket, sadest: &SockAddr) -> ! {
    let myname = uname().or_die("uname error");
    let line = format!("{}, {}\n", myname.nodename().to_string_lossy(), getpid());
    loop {
        udp::sendto(sendfd, line.as_bytes(), sadest);
        sleep(SENDRATE);
    }
}

/// Figure 21.19: the child prints every datagram it receives.
fn recv_all(recvfd: &Socket) -> ! {
    let mut line = [0u8; MAXLINE];
    loop {
        let (n, safrom) = udp::recvfrom(recvfd, &mut line).or_die("recvfrom error");
        let mut out = format!("from {}: ", unp::sock_ntop(&safrom)).into_bytes();
        out.extend_from_slice(&line[..n]);
        let _ = std::io::Write::write_all(&mut std::io::stdout(), &out);
    }
}

fn main() {
    let usage = "usage: sendrecv <IP-multicast-address> <port#>";
    let args = arguments(usage, Role::Client);
    if args.len() != 2 {
        unp::err_quit(usage);
    }
    let (sendfd, sasend) = udp::udp_client(Some(&args[0]), &args[1]);
    let recvfd = wrap::socket(Domain::from(i32::from(sasend.family())), Type::DGRAM);
    recvfd.set_reuse_address(true).or_die("setsockopt error");
    let sarecv = sasend.clone();
    wrap::bind(&recvfd, &sarecv);
    mcast_join(&recvfd, &sasend, None, 0).or_die("mcast_join error");
    mcast_set_loop(&sendfd, false).or_die("mcast_set_loop error");
    // SAFETY: the program never starts a thread.
    if let ForkResult::Child = unsafe { wrap::fork() } {
        recv_all(&recvfd); // child -> receives
    }
    send_all(&sendfd, &sasend); // parent -> sends
}
