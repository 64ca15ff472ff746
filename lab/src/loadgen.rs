//! The closed-loop load generator, `lab-loadgen`, and the lab's side of it.
//!
//! The generator runs in its own process (pinned to its own CPU, with its
//! own descriptor limit) so that it never shares a core or a file table with
//! the server it measures. Each active connection has exactly one request
//! outstanding: send `size` bytes, wait for all of them to come back, record
//! the round trip in a histogram, send again. One epoll loop drives every
//! connection, so thousands cost one thread. Idle connections are opened,
//! proven with one round trip, and then left silent.
//!
//! The lab talks to it over stdin and stdout, one line each way per step:
//!
//! | generator says | when | lab answers |
//! |---|---|---|
//! | `ready` | connected and warmed up, no request outstanding | `go` (after it samples the server's CPU) |
//! | `result round_trips=N secs=S p50_us=...` | measured, every reply drained | `close` (after the second sample) |
//! | `closed` | every connection closed | (the generator exits 0) |
//!
//! End of input in place of an answer also closes everything and exits.

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use hdrhistogram::Histogram;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags};

use crate::spawn::Spawned;
use crate::stats::{latency_histogram, Latency};

/// How long any connection may go without a reply before the run fails.
const STALL: Duration = Duration::from_secs(10);

/// What one generator process does.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The echo server.
    pub addr: SocketAddr,
    /// Connections that keep one request outstanding each.
    pub conns: usize,
    /// Connections held open without traffic.
    pub idle: usize,
    /// Bytes per request (and reply); the last byte is a newline so that
    /// line-oriented servers work too.
    pub size: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// The usage line of `lab-loadgen`.
pub const USAGE: &str =
    "usage: lab-loadgen <IPaddress:port> <#conns> <#idle> <#bytes> <warmup ms> <measure ms>";

impl Options {
    /// The command line that [`Options::parse`] reads back.
    pub fn to_args(&self) -> Vec<String> {
        vec![
            self.addr.to_string(),
            self.conns.to_string(),
            self.idle.to_string(),
            self.size.to_string(),
            self.warmup.as_millis().to_string(),
            self.duration.as_millis().to_string(),
        ]
    }

    /// The options from `lab-loadgen`'s arguments, or the usage line.
    pub fn parse(args: &[String]) -> Result<Options, &'static str> {
        let [addr, conns, idle, size, warmup, duration] = args else {
            return Err(USAGE);
        };
        let num = |s: &String| s.parse::<u64>().map_err(|_| USAGE);
        let opts = Options {
            addr: addr.parse().map_err(|_| USAGE)?,
            conns: num(conns)? as usize,
            idle: num(idle)? as usize,
            size: num(size)? as usize,
            warmup: Duration::from_millis(num(warmup)?),
            duration: Duration::from_millis(num(duration)?),
        };
        match opts.conns >= 1 && opts.size >= 1 {
            true => Ok(opts),
            false => Err(USAGE),
        }
    }
}

/// One measured run, as the generator reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunResult {
    pub round_trips: u64,
    pub secs: f64,
    pub latency: Latency,
}

impl RunResult {
    pub fn per_second(&self) -> f64 {
        self.round_trips as f64 / self.secs
    }

    /// The `result ...` line of the protocol.
    pub fn to_line(&self) -> String {
        let l = &self.latency;
        format!(
            "result round_trips={} secs={:.6} p50_us={:.3} p90_us={:.3} p99_us={:.3} p999_us={:.3} max_us={:.3} mean_us={:.3}",
            self.round_trips, self.secs, l.p50_us, l.p90_us, l.p99_us, l.p999_us, l.max_us, l.mean_us
        )
    }

    /// Read a `result ...` line back.
    pub fn parse(line: &str) -> Result<RunResult> {
        let rest = line
            .strip_prefix("result ")
            .ok_or_else(|| anyhow!("not a result line: {line:?}"))?;
        let field = |key: &str| -> Result<f64> {
            rest.split_whitespace()
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| anyhow!("no {key} in {line:?}"))
        };
        Ok(RunResult {
            round_trips: field("round_trips")? as u64,
            secs: field("secs")?,
            latency: Latency {
                p50_us: field("p50_us")?,
                p90_us: field("p90_us")?,
                p99_us: field("p99_us")?,
                p999_us: field("p999_us")?,
                max_us: field("max_us")?,
                mean_us: field("mean_us")?,
            },
        })
    }
}

/// The request every connection sends: `size` bytes, the last a newline.
fn request(size: usize) -> Vec<u8> {
    let mut req = vec![b'x'; size];
    req[size - 1] = b'\n';
    req
}

/// Connect to `addr` (TCP_NODELAY) and prove the connection with one
/// blocking round trip, so that the server has accepted it and registered
/// it with whatever it waits in before the next one is opened.
fn connect_proven(addr: SocketAddr, req: &[u8]) -> Result<TcpStream> {
    let mut sock = TcpStream::connect_timeout(&addr, STALL)?;
    sock.set_nodelay(true)?;
    sock.set_read_timeout(Some(STALL))?;
    sock.write_all(req)?;
    let mut reply = vec![0u8; req.len()];
    sock.read_exact(&mut reply)?;
    if reply != req {
        bail!("the reply differs from the request");
    }
    Ok(sock)
}

/// Open `n` proven connections.
fn connect_all(addr: SocketAddr, n: usize, req: &[u8]) -> Result<Vec<TcpStream>> {
    (0..n)
        .map(|i| {
            connect_proven(addr, req)
                .with_context(|| format!("connection {} of {n} to {addr}", i + 1))
        })
        .collect()
}

struct Conn {
    sock: TcpStream,
    sent_at: Instant,
    /// Bytes of the current reply received so far.
    got: usize,
}

/// The epoll loop over the active connections.
struct Engine {
    epoll: Epoll,
    conns: Vec<Conn>,
    request: Vec<u8>,
    scratch: Vec<u8>,
    hist: Histogram<u64>,
}

impl Engine {
    fn new(socks: Vec<TcpStream>, request: Vec<u8>) -> Result<Engine> {
        let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC)?;
        for (i, sock) in socks.iter().enumerate() {
            sock.set_nonblocking(true)?;
            epoll.add(sock.as_fd(), EpollEvent::new(EpollFlags::EPOLLIN, i as u64))?;
        }
        let now = Instant::now();
        Ok(Engine {
            epoll,
            conns: socks
                .into_iter()
                .map(|sock| Conn {
                    sock,
                    sent_at: now,
                    got: 0,
                })
                .collect(),
            scratch: vec![0; request.len()],
            request,
            hist: latency_histogram(),
        })
    }

    fn send(&mut self, i: usize, now: Instant) -> Result<()> {
        let conn = &mut self.conns[i];
        let n = (&conn.sock).write(&self.request)?;
        if n != self.request.len() {
            bail!("short write of a {}-byte request: {n}", self.request.len());
        }
        conn.sent_at = now;
        conn.got = 0;
        Ok(())
    }

    /// Read what connection `i` has; the round-trip time once its reply is
    /// complete.
    fn receive(&mut self, i: usize) -> Result<Option<Duration>> {
        let size = self.request.len();
        let conn = &mut self.conns[i];
        let want = size - conn.got;
        let n = match (&conn.sock).read(&mut self.scratch[..want]) {
            Ok(0) => bail!("the server closed a connection"),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e).context("read from the server"),
        };
        if self.scratch[..n] != self.request[conn.got..conn.got + n] {
            bail!("the reply differs from the request");
        }
        conn.got += n;
        Ok((conn.got == size).then(|| conn.sent_at.elapsed()))
    }

    /// Run the closed loop for `length`, then stop sending and drain the
    /// replies still outstanding. Returns the round trips completed and the
    /// time from the first request to the last reply.
    fn run_for(&mut self, length: Duration) -> Result<(u64, Duration)> {
        let start = Instant::now();
        for i in 0..self.conns.len() {
            self.send(i, start)?;
        }
        let (mut outstanding, mut sending, mut done) = (self.conns.len(), true, 0u64);
        let mut events = vec![EpollEvent::empty(); self.conns.len().min(1024)];
        let mut last_reply = Instant::now();
        while outstanding > 0 {
            let ready = self.epoll.wait(&mut events, 100u16)?;
            for ev in &events[..ready] {
                let i = ev.data() as usize;
                if let Some(rtt) = self.receive(i)? {
                    self.hist.saturating_record(rtt.as_nanos() as u64);
                    done += 1;
                    last_reply = Instant::now();
                    match sending {
                        true => self.send(i, last_reply)?,
                        false => outstanding -= 1,
                    }
                }
            }
            if sending && start.elapsed() >= length {
                sending = false;
            }
            if last_reply.elapsed() > STALL {
                bail!("no reply for {STALL:?} with {outstanding} requests outstanding");
            }
        }
        Ok((done, start.elapsed()))
    }
}

/// The generator's main: connect, warm up, and answer the lab's lines on
/// `input` with lines on `output`.
pub fn generate(opts: &Options, input: &mut impl BufRead, output: &mut impl Write) -> Result<()> {
    let req = request(opts.size);
    let idle = connect_all(opts.addr, opts.idle, &req).context("idle connections")?;
    let active = connect_all(opts.addr, opts.conns, &req).context("active connections")?;
    let mut engine = Engine::new(active, req)?;
    engine.run_for(opts.warmup)?;
    engine.hist.reset();
    writeln!(output, "ready")?;
    output.flush()?;
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(());
    }
    let (round_trips, elapsed) = engine.run_for(opts.duration)?;
    let result = RunResult {
        round_trips,
        secs: elapsed.as_secs_f64(),
        latency: Latency::of(&engine.hist),
    };
    writeln!(output, "{}", result.to_line())?;
    output.flush()?;
    line.clear();
    input.read_line(&mut line)?;
    drop(engine);
    drop(idle);
    writeln!(output, "closed")?;
    output.flush()?;
    Ok(())
}

/// A running generator, seen from the lab.
pub struct Loadgen {
    proc: Spawned,
}

impl Loadgen {
    /// Start `exe` (the `lab-loadgen` binary) pinned to `cpu` and wait,
    /// at most `timeout`, until it has connected and warmed up.
    pub fn start(
        exe: &Path,
        opts: &Options,
        cpu: Option<usize>,
        timeout: Duration,
    ) -> Result<Loadgen> {
        let mut proc = Spawned::start(exe, &opts.to_args(), Stdio::piped(), cpu)?;
        match proc.next_line(timeout)?.as_str() {
            "ready" => Ok(Loadgen { proc }),
            other => bail!("lab-loadgen said {other:?} instead of ready"),
        }
    }

    pub fn pid(&self) -> i32 {
        self.proc.pid()
    }

    /// Run the measured interval (it lasts `opts.duration`; `timeout` bounds
    /// the wait for its result).
    pub fn measure(&mut self, timeout: Duration) -> Result<RunResult> {
        self.proc.send_line("go")?;
        RunResult::parse(&self.proc.next_line(timeout)?)
    }

    /// Close every connection and wait for the generator to exit.
    pub fn close(mut self, timeout: Duration) -> Result<()> {
        self.proc.send_line("close")?;
        match self.proc.next_line(timeout)?.as_str() {
            "closed" => Ok(()),
            other => bail!("lab-loadgen said {other:?} instead of closed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_survive_the_command_line() {
        let opts = Options {
            addr: "127.0.0.1:9877".parse().unwrap(),
            conns: 100,
            idle: 5,
            size: 64,
            warmup: Duration::from_millis(200),
            duration: Duration::from_millis(1500),
        };
        assert_eq!(Options::parse(&opts.to_args()), Ok(opts));
        assert_eq!(Options::parse(&["127.0.0.1:1".into()]), Err(USAGE));
        let zero_conns: Vec<String> = ["127.0.0.1:1", "0", "0", "64", "0", "0"]
            .map(String::from)
            .into();
        assert_eq!(Options::parse(&zero_conns), Err(USAGE));
    }

    #[test]
    fn result_line_round_trips() {
        let result = RunResult {
            round_trips: 123_456,
            secs: 1.25,
            latency: Latency {
                p50_us: 10.5,
                p90_us: 20.25,
                p99_us: 30.0,
                p999_us: 40.0,
                max_us: 50.0,
                mean_us: 12.0,
            },
        };
        assert_eq!(RunResult::parse(&result.to_line()).unwrap(), result);
        assert!(RunResult::parse("ready").is_err());
        assert!(RunResult::parse("result round_trips=1").is_err());
    }

    #[test]
    fn request_ends_in_a_newline() {
        assert_eq!(request(4), b"xxx\n");
    }
}
