//! An unreliable UDP path for chapter 22's tests: a relay between a client
//! and a UDP server that drops, duplicates or holds back datagrams as a
//! [`Plan`] says, never by chance.
//!
//! The client sends to [`UdpRelay::addr`]; the relay forwards each request
//! to the server from a socket of its own, and each reply back to the
//! client. Requests and replies are numbered from 1 in the order the relay
//! receives them, and the plan gives each number its [`Fate`]. A datagram
//! held back ([`Fate::Hold`]) is delivered when the next request comes in,
//! just before that request is handled: late by however long the client
//! waited before sending again, which for a client that retransmits is
//! past its retransmission timeout (a loopback echo reaches the relay long
//! before: the client's whole timeout is the margin). Each datagram's fate
//! and arrival time are kept in a log ([`UdpRelay::log`]) for the test to
//! check.

use std::collections::BTreeMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

/// What the relay does with one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Forwarded at once.
    Pass,
    /// Never forwarded.
    Drop,
    /// Forwarded twice, one copy right after the other.
    Duplicate,
    /// Forwarded when the next request arrives, before it.
    Hold,
}

/// Which way a datagram went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the client to the server.
    Request,
    /// From the server to the client.
    Reply,
}

/// The fate of each datagram, by direction and number (from 1); every
/// datagram the plan does not name passes, unless
/// [`drop_every_request`](Plan::drop_every_request).
#[derive(Clone, Debug, Default)]
pub struct Plan {
    requests: BTreeMap<usize, Fate>,
    replies: BTreeMap<usize, Fate>,
    drop_requests: bool,
}

impl Plan {
    /// Everything passes.
    pub fn new() -> Plan {
        Plan::default()
    }

    /// The `nth` request (from 1) meets `fate`.
    pub fn request(mut self, nth: usize, fate: Fate) -> Plan {
        self.requests.insert(nth, fate);
        self
    }

    /// The `nth` reply (from 1) meets `fate`.
    pub fn reply(mut self, nth: usize, fate: Fate) -> Plan {
        self.replies.insert(nth, fate);
        self
    }

    /// No request ever reaches the server: a server that is down.
    pub fn drop_every_request(mut self) -> Plan {
        self.drop_requests = true;
        self
    }

    fn fate(&self, direction: Direction, nth: usize) -> Fate {
        match direction {
            Direction::Request if self.drop_requests => Fate::Drop,
            Direction::Request => self.requests.get(&nth).copied().unwrap_or(Fate::Pass),
            Direction::Reply => self.replies.get(&nth).copied().unwrap_or(Fate::Pass),
        }
    }
}

/// One datagram the relay received: which way, its number, what the plan
/// did with it, and when it arrived.
#[derive(Clone, Debug)]
pub struct Relayed {
    /// Request or reply.
    pub direction: Direction,
    /// Its number in its direction, from 1.
    pub nth: usize,
    /// What happened to it.
    pub fate: Fate,
    /// When the relay received it.
    pub at: Instant,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// The relay, running on its own thread until dropped.
pub struct UdpRelay {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Relayed>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl UdpRelay {
    /// A relay on a free loopback port, in front of the UDP server at
    /// `server`, following `plan`.
    pub fn start(server: SocketAddr, plan: Plan) -> io::Result<UdpRelay> {
        let client_side = UdpSocket::bind("127.0.0.1:0")?;
        let server_side = UdpSocket::bind("127.0.0.1:0")?;
        server_side.connect(server)?;
        let addr = client_side.local_addr()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let path = Path {
            client_side,
            server_side,
            client: None,
            plan,
            held: Vec::new(),
            log: Arc::clone(&log),
        };
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || path.run(&stopped));
        Ok(UdpRelay {
            addr,
            log,
            stop,
            thread: Some(thread),
        })
    }

    /// Where the client sends its requests.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every datagram received so far, in order.
    pub fn log(&self) -> Vec<Relayed> {
        self.log.lock().unwrap().clone()
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Relayed> {
        self.log()
            .into_iter()
            .filter(|relayed| relayed.direction == Direction::Request)
            .collect()
    }
}

impl Drop for UdpRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The relay's thread: its two sockets, the client's address (from its
/// first request), and the datagrams held back.
struct Path {
    client_side: UdpSocket,
    server_side: UdpSocket,
    client: Option<SocketAddr>,
    plan: Plan,
    held: Vec<(Direction, Vec<u8>)>,
    log: Arc<Mutex<Vec<Relayed>>>,
}

impl Path {
    fn run(mut self, stop: &AtomicBool) {
        let mut buf = vec![0u8; 65536];
        let (mut requests, mut replies) = (0, 0);
        while !stop.load(Ordering::SeqCst) {
            let mut fds = [
                PollFd::new(self.client_side.as_fd(), PollFlags::POLLIN),
                PollFd::new(self.server_side.as_fd(), PollFlags::POLLIN),
            ];
            // Wake up now and then to see whether the relay was dropped.
            if poll(&mut fds, PollTimeout::from(50u16)).unwrap_or(0) == 0 {
                continue;
            }
            let request_ready = fds[0].any().unwrap_or(false);
            let reply_ready = fds[1].any().unwrap_or(false);
            // A reply first: when both are waiting, it is the older news.
            if reply_ready {
                if let Ok(n) = self.server_side.recv(&mut buf) {
                    replies += 1;
                    self.handle(Direction::Reply, replies, &buf[..n]);
                }
            }
            if request_ready {
                if let Ok((n, from)) = self.client_side.recv_from(&mut buf) {
                    self.client = Some(from);
                    requests += 1;
                    for (direction, data) in std::mem::take(&mut self.held) {
                        self.forward(direction, &data);
                    }
                    self.handle(Direction::Request, requests, &buf[..n]);
                }
            }
        }
    }

    fn handle(&mut self, direction: Direction, nth: usize, data: &[u8]) {
        let fate = self.plan.fate(direction, nth);
        self.log.lock().unwrap().push(Relayed {
            direction,
            nth,
            fate,
            at: Instant::now(),
            data: data.to_vec(),
        });
        match fate {
            Fate::Pass => self.forward(direction, data),
            Fate::Drop => {}
            Fate::Duplicate => {
                self.forward(direction, data);
                self.forward(direction, data);
            }
            Fate::Hold => self.held.push((direction, data.to_vec())),
        }
    }

    /// Send `data` on its way; a send that fails is a datagram lost.
    fn forward(&self, direction: Direction, data: &[u8]) {
        let _ = match (direction, self.client) {
            (Direction::Request, _) => self.server_side.send(data),
            (Direction::Reply, Some(client)) => self.client_side.send_to(data, client),
            (Direction::Reply, None) => return,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A plan of each fate on a test-side client and echo server.
    #[test]
    fn the_plan_decides_what_passes() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let plan = Plan::new()
            .request(1, Fate::Drop)
            .request(2, Fate::Duplicate)
            .reply(2, Fate::Hold);
        let relay = UdpRelay::start(server.local_addr().unwrap(), plan).unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        server
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut buf = [0u8; 16];
        let mut echo = |expected: &[u8]| {
            let (n, from) = server.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], expected);
            server.send_to(&buf[..n], from).unwrap();
        };

        client.send_to(b"a", relay.addr()).unwrap(); // dropped
        client.send_to(b"b", relay.addr()).unwrap(); // twice
        echo(b"b");
        echo(b"b");
        let mut reply = [0u8; 16];
        let n = client.recv(&mut reply).unwrap();
        assert_eq!(&reply[..n], b"b");
        crate::wait_until("the second echo held", || relay.log().len() == 4);
        client.send_to(b"c", relay.addr()).unwrap(); // releases it first
        echo(b"c");
        for expected in [b"b", b"c"] {
            let n = client.recv(&mut reply).unwrap();
            assert_eq!(&reply[..n], expected);
        }
        let fates: Vec<_> = relay
            .log()
            .iter()
            .map(|r| (r.direction, r.nth, r.fate))
            .collect();
        assert_eq!(
            fates,
            [
                (Direction::Request, 1, Fate::Drop),
                (Direction::Request, 2, Fate::Duplicate),
                (Direction::Reply, 1, Fate::Pass),
                (Direction::Reply, 2, Fate::Hold),
                (Direction::Request, 3, Fate::Pass),
                (Direction::Reply, 3, Fate::Pass),
            ]
        );
    }
}
