//! A delaying TCP proxy: the long, fat network of chapter 16 on loopback,
//! for the tests and the lab.
//!
//! Every byte that arrives on one side leaves on the other `one_way` later,
//! in both directions, with no limit on bandwidth: a pipe of constant delay,
//! like the book's path with a round-trip time of `2 * one_way`. A reader
//! thread per direction stamps each chunk on arrival, a writer thread sends
//! it when it is due; end of file is forwarded as a half-close
//! (`shutdown(SHUT_WR)`), so the client's own shutdown reaches the server on
//! time too. Sockets to both sides have TCP_NODELAY: a router does not wait
//! to fill segments.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

/// A running proxy; dropping it stops accepting (connections already open
/// run to their end).
pub struct DelayProxy {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl DelayProxy {
    /// Listen on a free loopback port and forward every connection to
    /// `target` with `one_way` delay each way.
    pub fn start(target: SocketAddr, one_way: Duration) -> io::Result<DelayProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(target) else {
                    continue;
                };
                let _ = forward(client, server, one_way);
            }
        });
        Ok(DelayProxy { addr, stop })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Join `client` and `server` through two delayed one-way pipes.
fn forward(client: TcpStream, server: TcpStream, one_way: Duration) -> io::Result<()> {
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    delayed_pipe(client.try_clone()?, server.try_clone()?, one_way);
    delayed_pipe(server, client, one_way);
    Ok(())
}

/// Copy `from` to `to`, each chunk `delay` after it arrived; end of file
/// (or an error) on `from` half-closes `to` when it is due.
fn delayed_pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = from.read(&mut buf).unwrap_or(0);
            // An empty chunk stands for end of file.
            if tx
                .send((Instant::now() + delay, buf[..n].to_vec()))
                .is_err()
                || n == 0
            {
                return;
            }
        }
    });
    thread::spawn(move || {
        for (due, chunk) in rx {
            thread::sleep(due.saturating_duration_since(Instant::now()));
            if chunk.is_empty() {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            if to.write_all(&chunk).is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn bytes_and_half_close_cross_the_proxy_both_ways() {
        // An echo server that echoes until end of file, then closes.
        let echo = TcpListener::bind("127.0.0.1:0").unwrap();
        let target = echo.local_addr().unwrap();
        thread::spawn(move || {
            let (mut sock, _) = echo.accept().unwrap();
            let mut buf = [0u8; 1024];
            loop {
                match sock.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => sock.write_all(&buf[..n]).unwrap(),
                }
            }
        });
        let proxy = DelayProxy::start(target, Duration::from_millis(5)).unwrap();
        let mut sock = TcpStream::connect(proxy.addr()).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let writer = {
            let mut sock = sock.try_clone().unwrap();
            let data = data.clone();
            thread::spawn(move || {
                sock.write_all(&data).unwrap();
                sock.shutdown(Shutdown::Write).unwrap();
            })
        };
        let mut back = Vec::new();
        sock.read_to_end(&mut back).unwrap();
        writer.join().unwrap();
        assert_eq!(back, data);
    }
}
