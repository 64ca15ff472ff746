//! One connection served with blocking calls, start to end: the original's
//! `accept_request`, for the servers that give a connection a thread of
//! its own (the faithful `httpd`, models 1 and 2).
//!
//! Every read has the time left of [`Site::timeout`] for the whole request
//! as its `SO_RCVTIMEO`, so a client sending one byte a second is cut off
//! when the request's time is up, not served forever; every write has
//! [`Site::timeout`] as its `SO_SNDTIMEO`, so a client that stops reading
//! cannot hold its thread either.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use nix::sys::socket::MsgFlags;

use crate::request::{parse_head, Parsed};
use crate::response::{self, Body, Dialect, Response, Status};
use crate::{respond, Site};

/// Serve the requests of one connection until it closes, a request says
/// `Connection: close` (or, in [`Dialect::Faithful`], after the first),
/// or the client runs out of time.
pub fn serve(mut stream: TcpStream, site: &Site, dialect: Dialect) {
    let _ = stream.set_write_timeout(Some(site.timeout));
    let mut buf = Vec::with_capacity(4096);
    let mut eof = false;
    loop {
        let deadline = Instant::now() + site.timeout;
        let (request, used) = loop {
            match parse_head(&buf, eof, dialect == Dialect::Http11) {
                Parsed::Done(request, used) => break (request, used),
                Parsed::Refused(status) => return refuse(stream, dialect, status, site),
                Parsed::Incomplete if eof => return,
                Parsed::Incomplete => match read_more(&mut stream, &mut buf, deadline) {
                    Ok(0) => eof = true,
                    Ok(_) => {}
                    Err(_) => return,
                },
            }
        };
        buf.drain(..used);
        let length = request.content_length.unwrap_or(0);
        while buf.len() < length {
            match read_more(&mut stream, &mut buf, deadline) {
                Ok(n) if n > 0 => {}
                // The body is shorter than its Content-Length.
                _ => return refuse(stream, dialect, Status::BadRequest, site),
            }
        }
        let body: Vec<u8> = buf.drain(..length).collect();
        let response = respond(site, dialect, &request, &body);
        let keep_alive = response.keep_alive;
        if send(&mut stream, response).is_err() {
            return;
        }
        if !keep_alive {
            let _ = stream.shutdown(Shutdown::Write);
            return;
        }
    }
}

/// One `read(2)` of up to 16 KiB onto the end of `buf`, given what is left
/// of the time until `deadline`: 0 at end of file, `TimedOut` or
/// `WouldBlock` when the time is up.
fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    let start = buf.len();
    buf.resize(start + 16 * 1024, 0);
    let got = loop {
        match stream.read(&mut buf[start..]) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    buf.truncate(start + *got.as_ref().unwrap_or(&0));
    got
}

/// Write `response` whole: the head, then the body (a file with
/// [`sendfile(2)`](https://man7.org/linux/man-pages/man2/sendfile.2.html),
/// the head sent with `MSG_MORE` so that the two leave in one segment when
/// they fit).
pub fn send(stream: &mut TcpStream, response: Response) -> io::Result<()> {
    match response.body {
        Body::Empty => stream.write_all(&response.head),
        Body::Bytes(bytes) => {
            let mut all = response.head;
            all.extend_from_slice(&bytes);
            stream.write_all(&all)
        }
        Body::File(file, length) => {
            let more = MsgFlags::MSG_NOSIGNAL | MsgFlags::from_bits_retain(libc::MSG_MORE);
            let mut head = &response.head[..];
            while !head.is_empty() {
                match nix::sys::socket::send(stream.as_raw_fd(), head, more) {
                    Ok(n) => head = &head[n..],
                    Err(nix::errno::Errno::EINTR) => {}
                    Err(err) => return Err(err.into()),
                }
            }
            let mut offset: libc::off_t = 0;
            while (offset as u64) < length {
                let left = (length - offset as u64) as usize;
                match nix::sys::sendfile::sendfile(&*stream, &file, Some(&mut offset), left) {
                    Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                    Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                    Err(err) => return Err(err.into()),
                }
            }
            Ok(())
        }
    }
}

/// Answer a refused request with its error page, then close without
/// resetting: stop sending, and read and drop what the client is still
/// sending (up to a bound and a short time), so that the close does not
/// turn into an RST that could destroy the error page before the client
/// reads it.
fn refuse(mut stream: TcpStream, dialect: Dialect, status: Status, site: &Site) {
    if send(&mut stream, response::error(dialect, status, false)).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + site.timeout.min(Duration::from_secs(2));
    let mut drained = 0;
    let mut buf = Vec::new();
    while drained < 4 * 1024 * 1024 {
        buf.clear();
        match read_more(&mut stream, &mut buf, deadline) {
            Ok(n) if n > 0 => drained += n,
            _ => return,
        }
    }
}
