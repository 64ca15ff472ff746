//! One connection as a protocol on the workspace's io_uring loop
//! ([`unp::uring`]), for `httpd-uring`: the loop receives (a multishot recv
//! into its provided buffers), sends and keeps each connection's deadline;
//! an [`HttpUring`] only turns the bytes that arrive into responses, with
//! the same [`parse_head`] and [`respond`] as every other model.
//!
//! Bytes received are copied into the connection's own input (a request
//! may span buffers, and the buffer goes back to the ring at once); each
//! whole request is answered at once, in order, pipelined ones too; a CGI
//! program runs to its end inside the loop, as in model 3. A file goes to
//! [`Out::send_file`], which reads it piece by piece into a buffer and
//! sends that (io_uring has no `sendfile(2)`: [`unp::uring`] says why not
//! splice). Each request must arrive within [`Site::timeout`]
//! ([`Out::deadline`]); a refused request is answered, the sending side
//! shut down, and what the client still sends drained for a bounded time
//! and size, as the other models do, so that the close does not reset the
//! connection before the client reads the answer.

use std::time::Instant;

use unp::uring::{Connection, Out};

use crate::nonblocking::{DRAIN_BYTES, DRAIN_TIME};
use crate::request::{parse_head, Parsed};
use crate::response::{self, Body, Dialect, Response, Status};
use crate::{respond, Site};

/// One client connection of `httpd-uring`.
pub struct HttpUring<'a> {
    site: &'a Site,
    /// Bytes received and not yet taken by a request.
    input: Vec<u8>,
    /// The client has closed its side.
    eof: bool,
    /// A refused request was answered: the bytes drained since.
    drained: Option<usize>,
}

impl<'a> HttpUring<'a> {
    /// A connection serving `site`.
    pub fn new(site: &'a Site) -> HttpUring<'a> {
        HttpUring {
            site,
            input: Vec::new(),
            eof: false,
            drained: None,
        }
    }

    /// Answer every whole request in the input.
    fn serve(&mut self, out: &mut Out) {
        loop {
            let (request, used) = match parse_head(&self.input, self.eof, true) {
                Parsed::Refused(status) => return self.refuse(status, out),
                Parsed::Incomplete => {
                    if self.eof {
                        out.close();
                    }
                    return;
                }
                Parsed::Done(request, used) => (request, used),
            };
            let end = used + request.content_length.unwrap_or(0);
            if self.input.len() < end {
                if self.eof {
                    // The body is shorter than its Content-Length.
                    self.refuse(Status::BadRequest, out);
                }
                return;
            }
            let response = respond(self.site, Dialect::Http11, &request, &self.input[used..end]);
            self.input.drain(..end);
            let keep_alive = response.keep_alive;
            queue(response, out);
            if !keep_alive {
                return out.close();
            }
            out.deadline(Some(Instant::now() + self.site.timeout));
        }
    }

    /// Answer a refused request, then drain and close.
    fn refuse(&mut self, status: Status, out: &mut Out) {
        queue(response::error(Dialect::Http11, status, false), out);
        out.shut_write();
        self.input = Vec::new();
        self.drained = Some(0);
        out.deadline(Some(Instant::now() + self.site.timeout.min(DRAIN_TIME)));
    }
}

/// Hand `response` to the loop: the head and an in-memory body in one
/// buffer, or the head and a file.
fn queue(response: Response, out: &mut Out) {
    let mut head = response.head;
    match response.body {
        Body::Empty => out.send_owned(head),
        Body::Bytes(bytes) => {
            head.extend_from_slice(&bytes);
            out.send_owned(head);
        }
        Body::File(file, length) => out.send_file(head, file, length),
    }
}

impl Connection for HttpUring<'_> {
    fn accepted(&mut self, out: &mut Out) {
        out.deadline(Some(Instant::now() + self.site.timeout));
    }

    fn received(&mut self, data: &[u8], out: &mut Out) {
        if let Some(drained) = &mut self.drained {
            *drained += data.len();
            if *drained > DRAIN_BYTES {
                out.close();
            }
            return;
        }
        self.input.extend_from_slice(data);
        self.serve(out);
    }

    fn end_of_file(&mut self, out: &mut Out) {
        self.eof = true;
        if self.drained.is_none() {
            self.serve(out);
        }
    }
}
