//! An unreliable UDP path for chapter 22's tests: a relay between a client
//! and a UDP server that drops, duplicates, delays or holds back datagrams
//! as a [`Plan`] says, never by chance.
//!
//! The client sends to [`UdpRelay::addr`]; the relay forwards each request
//! to the server from a socket of its own, and each reply back to the
//! client. Requests and replies are numbered from 1 in the order the relay
//! receives them, and the plan gives each number its [`Fate`]. A datagram
//! delayed ([`Fate::Delay`]) goes on once its delay has passed; one held
//! back ([`Fate::Hold`]) is delivered when the next request comes in,
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
use std::time::{Duration, Instant};

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
    /// Forwarded after this long.
    Delay(Duration),
}

/// Which way a datagram went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the client to the server.
    Request,
    /// From the server to the client.
    Reply,
}

/// The fate of each datagram, by direction and number (from 1); a
/// datagram the plan does not name meets its direction's default fate
/// ([`every`](Plan::every)), [`Fate::Pass`] unless said otherwise.
#[derive(Clone, Debug)]
pub struct Plan {
    requests: BTreeMap<usize, Fate>,
    replies: BTreeMap<usize, Fate>,
    every_request: Fate,
    every_reply: Fate,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            requests: BTreeMap::new(),
            replies: BTreeMap::new(),
            every_request: Fate::Pass,
            every_reply: Fate::Pass,
        }
    }
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

    /// Every datagram of `direction` the plan does not name meets `fate`
    /// (`every(Direction::Request, Fate::Drop)`: a server that is down).
    pub fn every(mut self, direction: Direction, fate: Fate) -> Plan {
        match direction {
            Direction::Request => self.every_request = fate,
            Direction::Reply => self.every_reply = fate,
        }
        self
    }

    fn fate(&self, direction: Direction, nth: usize) -> Fate {
        let (named, every) = match direction {
            Direction::Request => (&self.requests, self.every_request),
            Direction::Reply => (&self.replies, self.every_reply),
        };
        named.get(&nth).copied().unwrap_or(every)
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
            delayed: Vec::new(),
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
/// first request), and the datagrams held back or delayed.
struct Path {
    client_side: UdpSocket,
    server_side: UdpSocket,
    client: Option<SocketAddr>,
    plan: Plan,
    held: Vec<(Direction, Vec<u8>)>,
    delayed: Vec<(Instant, Direction, Vec<u8>)>,
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
            // Wake up for the next delayed datagram, and now and then to
            // see whether the relay was dropped.
            let now = Instant::now();
            let next_due = self
                .delayed
                .iter()
                .map(|(due, ..)| due.saturating_duration_since(now));
            let wait = next_due
                .min()
                .unwrap_or(Duration::MAX)
                .min(Duration::from_millis(50));
            let wait = PollTimeout::try_from(wait.as_nanos().div_ceil(1_000_000) as i32);
            let ready = poll(&mut fds, wait.unwrap_or(PollTimeout::ZERO)).unwrap_or(0) > 0;
            let request_ready = ready && fds[0].any().unwrap_or(false);
            let reply_ready = ready && fds[1].any().unwrap_or(false);
            self.forward_due();
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
            Fate::Delay(delay) => {
                let due = Instant::now() + delay;
                self.delayed.push((due, direction, data.to_vec()));
            }
        }
    }

    /// Send on every delayed datagram whose time has come, in order.
    fn forward_due(&mut self) {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.delayed)
            .into_iter()
            .partition(|(at, ..)| *at <= now);
        self.delayed = later;
        for (_, direction, data) in due {
            self.forward(direction, &data);
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
