//! A network on one machine, for the chapters that need more than loopback
//! (broadcast, multicast, routers): Linux network namespaces joined by veth
//! pairs, described by a [`Topology`] and made by [`Netlab::build`] with
//! `ip(8)`; needs root (call [`skip_unless_root`](crate::skip_unless_root)
//! first).
//!
//! The [`STANDARD`] network (`scripts/netlab` builds the same one by hand):
//!
//! ```text
//!    A 10.0.1.1      B 10.0.1.2      C 10.0.1.3        (fd00:1::1, ::2, ::3)
//!       \eth0           |eth0          /eth0
//!        +---------- switch (bridge) -+------ eth0 R 10.0.1.254 (fd00:1::fe)
//!                                                 | eth1 10.0.2.254 (fd00:2::fe)
//!                                                 | forwarding on (v4 and v6)
//!                                            eth0 D 10.0.2.4 (fd00:2::4)
//! ```
//!
//! A, B, C and R share one broadcast subnet (10.0.1.255); D is two hops from
//! A (A -> R -> D). Every host has a route for 224.0.0.0/4 on its first
//! interface, a default route through its segment's router (R for A, B, C
//! and D), IPv6 duplicate address detection off (its addresses are usable at
//! once) and `lo` up.
//!
//! Nothing has a name outside the test process: each namespace is a
//! descriptor this process holds (made by `unshare(2)` in a short-lived
//! thread, never mounted under `/run/netns`), and every interface lives
//! inside a namespace (the veth peers are created straight into their
//! namespace), so tests in parallel, test binaries in parallel and two CI
//! clones never collide, and `ip netns list` and the host's `ip link` never
//! see them. Dropping the [`Netlab`] (a failing test's unwinding too) closes
//! the descriptors; the kernel then destroys each namespace with its
//! interfaces once the last process inside it has gone ([`Proc`] kills its
//! process group on drop). If the test process is killed, the kernel closes
//! the descriptors just the same.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread;

use nix::sched::{setns, unshare, CloneFlags};

use crate::{bin, wait_for, Proc, TIMEOUT};

/// A network: the segments (subnets) and which host is on each. Routes
/// are only the connected ones and each non-router's default route through
/// its first segment's router: a host two routers away (a chain R1-R2)
/// would need static routes on the routers, which [`Host::sh`] can add.
pub struct Topology {
    /// The subnets; a host's interfaces are `eth0`, `eth1`... in the order
    /// of the segments it is on.
    pub segments: &'static [Segment],
}

/// One subnet, `10.0.<number>.0/24` and `fd00:<number>::/64`. With more
/// than two members it is a switch (a bridge in a namespace of its own, with
/// no address); with two, one veth pair.
pub struct Segment {
    /// The third byte of the IPv4 subnet and the second group of the IPv6
    /// prefix.
    pub number: u8,
    /// Each member: its host name and its number on the subnet (the last
    /// byte of its IPv4 address, the last group of its IPv6 address).
    pub members: &'static [(&'static str, u8)],
    /// The member that forwards: it gets IPv4 and IPv6 forwarding, and it is
    /// the default route of the other members whose first segment this is.
    pub router: Option<&'static str>,
}

/// The network of the chapters on broadcast, multicast, raw sockets and
/// routers (see the [module](self) diagram).
pub const STANDARD: Topology = Topology {
    segments: &[
        Segment {
            number: 1,
            members: &[("A", 1), ("B", 2), ("C", 3), ("R", 254)],
            router: Some("R"),
        },
        Segment {
            number: 2,
            members: &[("R", 254), ("D", 4)],
            router: Some("R"),
        },
    ],
};

/// One interface of a host.
#[derive(Clone, Debug)]
pub struct Interface {
    /// `eth0`, `eth1`...
    pub name: String,
    pub ipv4: Ipv4Addr,
    /// The subnet's broadcast address (`10.0.<n>.255`).
    pub broadcast: Ipv4Addr,
    pub ipv6: Ipv6Addr,
}

/// A host: a network namespace with its interfaces.
pub struct Host {
    name: String,
    ns: OwnedFd,
    interfaces: Vec<Interface>,
}

/// A running [`Topology`]; destroyed on drop.
pub struct Netlab {
    hosts: Vec<Host>,
    /// The namespaces holding the bridges; kept only to stay alive.
    _switches: Vec<OwnedFd>,
}

impl Netlab {
    /// The [`STANDARD`] network, for a test: panics if it cannot be made.
    pub fn start() -> Netlab {
        Netlab::build(&STANDARD).unwrap_or_else(|err| panic!("netlab: {err}"))
    }

    /// Make `topology` and wait (bounded) until every interface is up and
    /// every address usable.
    pub fn build(topology: &Topology) -> io::Result<Netlab> {
        let mut hosts: Vec<Host> = Vec::new();
        for segment in topology.segments {
            for &(name, number) in segment.members {
                let index = match hosts.iter().position(|host| host.name == name) {
                    Some(index) => index,
                    None => {
                        hosts.push(Host {
                            name: name.to_owned(),
                            ns: new_namespace()?,
                            interfaces: Vec::new(),
                        });
                        hosts.len() - 1
                    }
                };
                let host = &mut hosts[index];
                let (n, last) = (segment.number, number);
                host.interfaces.push(Interface {
                    name: format!("eth{}", host.interfaces.len()),
                    ipv4: Ipv4Addr::new(10, 0, n, last),
                    broadcast: Ipv4Addr::new(10, 0, n, 255),
                    ipv6: Ipv6Addr::new(0xfd00, n.into(), 0, 0, 0, 0, 0, last.into()),
                });
            }
        }
        let is_router = |name: &str| topology.segments.iter().any(|s| s.router == Some(name));
        for host in &hosts {
            // No duplicate address detection: addresses are usable at once.
            let mut script = String::from(
                "set -e\n\
                 echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad\n\
                 echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad\n\
                 ip link set lo up\n",
            );
            if is_router(&host.name) {
                script.push_str(
                    "echo 1 > /proc/sys/net/ipv4/ip_forward\n\
                     echo 1 > /proc/sys/net/ipv6/conf/all/forwarding\n",
                );
            }
            host.sh(&script)?;
        }
        let mut switches = Vec::new();
        for segment in topology.segments {
            let interface_of = |name: &str| -> (&Host, &Interface) {
                let host = hosts.iter().find(|h| h.name == name).expect("member");
                let prefix = format!("10.0.{}.", segment.number);
                let interface = host
                    .interfaces
                    .iter()
                    .find(|i| i.ipv4.to_string().starts_with(&prefix));
                (host, interface.expect("interface on the segment"))
            };
            if let [(first, _), (second, _)] = segment.members {
                let ((host, interface), (peer, peer_interface)) =
                    (interface_of(first), interface_of(second));
                host.sh(&format!(
                    "ip link add {} type veth peer name {} netns {}",
                    interface.name,
                    peer_interface.name,
                    ns_path(&peer.ns)
                ))?;
                continue;
            }
            let switch = new_namespace()?;
            let mut ports = String::from(
                "set -e\n\
                 echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6\n\
                 ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n\
                 ip link set br0 up\n",
            );
            for &(name, _) in segment.members {
                let (host, interface) = interface_of(name);
                host.sh(&format!(
                    "ip link add {} type veth peer name {name} netns {}",
                    interface.name,
                    ns_path(&switch)
                ))?;
                ports.push_str(&format!("ip link set {name} master br0 up\n"));
            }
            sh_in(&switch, &ports)?;
            switches.push(switch);
        }
        for host in &hosts {
            let mut script = String::from("set -e\n");
            for interface in &host.interfaces {
                let (name, v4, v6) = (&interface.name, interface.ipv4, interface.ipv6);
                script.push_str(&format!(
                    "ip addr add {v4}/24 brd + dev {name}\n\
                     ip addr add {v6}/64 dev {name} nodad\n\
                     ip link set {name} up\n"
                ));
            }
            script.push_str(&format!(
                "ip route add 224.0.0.0/4 dev {}\n",
                host.interface()
            ));
            let first = topology
                .segments
                .iter()
                .find(|s| s.members.iter().any(|&(name, _)| name == host.name));
            if let Some(segment) = first.filter(|_| !is_router(&host.name)) {
                if let Some(&(_, gateway)) = segment
                    .members
                    .iter()
                    .find(|&&(name, _)| Some(name) == segment.router)
                {
                    let n = segment.number;
                    script.push_str(&format!(
                        "ip route add default via 10.0.{n}.{gateway}\n\
                         ip -6 route add default via fd00:{n}::{gateway:x}\n"
                    ));
                }
            }
            host.sh(&script)?;
        }
        let netlab = Netlab {
            hosts,
            _switches: switches,
        };
        for host in &netlab.hosts {
            // Up, carrier on both ends, and no address still tentative.
            let check = "! ip -o link show | grep -v ' lo:' | grep -v 'state UP' | grep -q . && \
                         ! ip -o addr show tentative | grep -q .";
            wait_for(&format!("host {}'s interfaces", host.name), TIMEOUT, || {
                host.sh(check).is_ok()
            })?;
        }
        Ok(netlab)
    }

    /// The host called `name` (`A`, `B`...); panics if there is none.
    pub fn host(&self, name: &str) -> &Host {
        self.hosts
            .iter()
            .find(|host| host.name == name)
            .unwrap_or_else(|| panic!("netlab: no host {name}"))
    }

    /// Every host, in the order they first appear in the topology.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }
}

impl Host {
    /// `A`, `B`...
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its interfaces, `eth0` first.
    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    /// The name of its first interface (`eth0`).
    pub fn interface(&self) -> &str {
        &self.interfaces[0].name
    }

    /// The IPv4 address of its first interface.
    pub fn ipv4(&self) -> Ipv4Addr {
        self.interfaces[0].ipv4
    }

    /// The IPv6 address of its first interface.
    pub fn ipv6(&self) -> Ipv6Addr {
        self.interfaces[0].ipv6
    }

    /// The broadcast address of its first subnet.
    pub fn broadcast(&self) -> Ipv4Addr {
        self.interfaces[0].broadcast
    }

    /// `program` as a command that runs in this host (`ip netns exec`):
    /// the child enters the namespace (`setns(2)`) before it executes.
    /// Start it with [`Proc::start`] (or [`Host::spawn`]) so that its process
    /// group is killed on drop.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let ns = self.ns.try_clone().expect("dup the namespace descriptor");
        let mut cmd = Command::new(program);
        // SAFETY: the closure only calls setns(2), async-signal-safe, on a
        // descriptor the command owns (closed when the command is dropped).
        unsafe {
            cmd.pre_exec(move || Ok(setns(ns.as_fd(), CloneFlags::CLONE_NEWNET)?));
        }
        cmd
    }

    /// Start the workspace binary `name` with `args` in this host, in its own
    /// process group, stdin closed.
    pub fn spawn(&self, name: &str, args: &[&str]) -> Proc {
        Proc::spawn_cmd(self.command(bin(name)).args(args))
    }

    /// As [`Host::spawn`], its stdin a pipe ([`Proc::type_line`]).
    pub fn spawn_typed(&self, name: &str, args: &[&str]) -> Proc {
        Proc::start(self.command(bin(name)).args(args), Stdio::piped()).expect("spawn")
    }

    /// Start the UDP server `name` with `args` in this host and wait until
    /// `port` is bound there.
    pub fn udp_server(&self, name: &str, args: &[&str], port: u16) -> Proc {
        self.spawn_bound(name, args, "udp", port, "07")
    }

    /// Start the TCP server `name` with `args` in this host and wait until
    /// `port` listens there.
    pub fn server(&self, name: &str, args: &[&str], port: u16) -> Proc {
        self.spawn_bound(name, args, "tcp", port, "0A")
    }

    fn spawn_bound(&self, name: &str, args: &[&str], proto: &str, port: u16, state: &str) -> Proc {
        let mut proc = self.spawn(name, args);
        let mut exited = None;
        let waited = wait_for(&format!("{name} to bind {proto} {port}"), TIMEOUT, || {
            exited = proc.try_exit();
            exited.is_some() || self.port_in_state(proto, port, state)
        });
        if let Some(status) = exited {
            panic!("{name} exited ({status}): {}", proc.stderr().trim_end());
        }
        waited.unwrap_or_else(|err| panic!("{err}"));
        proc
    }

    /// Whether a socket of `proto` (`tcp`, `udp`, `raw`...) is bound to
    /// `port` in `state` (`/proc/net` codes: `0A` LISTEN, `07` bound UDP) in
    /// this host, IPv4 or IPv6.
    pub fn port_in_state(&self, proto: &str, port: u16, state: &str) -> bool {
        let port = format!(":{port:04X}");
        self.within(|| {
            [proto.to_owned(), format!("{proto}6")].iter().any(|table| {
                std::fs::read_to_string(format!("/proc/thread-self/net/{table}"))
                    .unwrap_or_default()
                    .lines()
                    .skip(1)
                    .map(|line| line.split_whitespace().collect::<Vec<_>>())
                    .any(|f| f.len() > 3 && f[1].ends_with(&port) && f[3] == state)
            })
        })
    }

    /// Run `f` on a thread that has entered this host's namespace: a socket
    /// it makes belongs to the host (and stays there once returned).
    pub fn within<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        thread::scope(|scope| {
            scope
                .spawn(|| {
                    setns(self.ns.as_fd(), CloneFlags::CLONE_NEWNET).expect("setns");
                    f()
                })
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// Run the shell `script` in this host; its stdout, or an error with
    /// its stderr.
    pub fn sh(&self, script: &str) -> io::Result<String> {
        let out = self.command("sh").args(["-c", script]).output()?;
        if !out.status.success() {
            return Err(io::Error::other(format!(
                "host {}: `{}` failed: {}",
                self.name,
                script.trim(),
                String::from_utf8_lossy(&out.stderr).trim_end()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// A new network namespace, held by a descriptor only: a thread unshares
/// its network namespace, opens it and ends.
fn new_namespace() -> io::Result<OwnedFd> {
    thread::spawn(|| {
        unshare(CloneFlags::CLONE_NEWNET)?;
        Ok(File::open("/proc/thread-self/ns/net")?.into())
    })
    .join()
    .unwrap_or_else(|_| Err(io::Error::other("the unshare thread panicked")))
}

/// A path `ip link ... netns PATH` opens for this namespace: the descriptor
/// as this process holds it (`ip` runs as our child).
fn ns_path(ns: &OwnedFd) -> String {
    use std::os::fd::AsRawFd;
    format!("/proc/{}/fd/{}", std::process::id(), ns.as_raw_fd())
}

/// Run `script` in the namespace `ns` (a switch's).
fn sh_in(ns: &OwnedFd, script: &str) -> io::Result<()> {
    Host {
        name: "switch".to_owned(),
        ns: ns.try_clone()?,
        interfaces: Vec::new(),
    }
    .sh(script)
    .map(drop)
}
