//! Tinyhttpd (J. David Blackstone's `httpd.c`, read in the fork
//! EZLippi/Tinyhttpd) ported on `unp`, its holes closed, and the HTTP core
//! it grows into shared by every concurrency model of the crate.
//!
//! | the original | here |
//! |---|---|
//! | `get_line`, the parse in `accept_request` | [`request`]: [`request::parse_head`] over the bytes received so far |
//! | the routing in `accept_request` (`htdocs`, `index.html`, the CGI rule) | [`site`]: [`Site::plan`] |
//! | `serve_file`, `headers`, `cat`, `not_found`, `bad_request`, `unimplemented`, `cannot_execute` | [`response`], [`respond`] |
//! | `execute_cgi` | [`cgi`]: [`cgi::run`] |
//! | `accept_request` on a blocking socket | [`blocking::serve`] |
//! | `accept_request` as a state machine on the event loop (models 3–5) | [`nonblocking::HttpConn`] |
//! | `accept_request` as a protocol on the io_uring loop (`httpd-uring`) | [`completion::HttpUring`] |
//! | `startup` | [`startup`] |
//!
//! # The holes, closed
//!
//! Each has a test in `tests/httpd.rs` or in the shared conformance suite
//! (`tests/conformance.rs`) that attacks it:
//!
//! - **Path traversal.** The original pastes the URL after `htdocs`:
//!   `GET /../../etc/passwd` serves the password file. Here a path is
//!   percent-decoded (`%2e%2e` is `..`), a `..` segment is a `400`, and
//!   the file is opened with `openat2(RESOLVE_BENEATH)`, so that no symlink
//!   leads out of the tree: else `404` ([`site`]).
//! - **Unbounded input.** The original cuts lines at 1024 bytes and reads
//!   on; here a line over [`request::MAX_LINE`], more than
//!   [`request::MAX_HEADERS`] headers or a head over [`request::MAX_HEAD`]
//!   is a `400`, a POST without a valid `Content-Length` (missing,
//!   negative, not a number) a `400`, a body over [`request::MAX_BODY`] a
//!   `413`, a body shorter than its length a `400` once the client closes
//!   or its time is up.
//! - **Slow clients.** The original blocks in `recv` forever; here a whole
//!   request must arrive within [`Site::timeout`] (`TINYHTTPD_TIMEOUT_MS`),
//!   and a write may stall no longer than that.
//! - **CGI programs that hang or flood.** Killed after [`Site::cgi_timeout`]
//!   (`TINYHTTPD_CGI_TIMEOUT_MS`) or [`site::MAX_CGI_OUTPUT`] bytes, the
//!   client answered `500`, the child always reaped ([`cgi`]).
//! - **`SIGPIPE`.** A client that leaves mid-response must end only its own
//!   connection: every server calls [`ignore_sigpipe`] first, so a write to
//!   a closed socket or pipe fails with `EPIPE` instead of killing the
//!   process, and sockets are written with `MSG_NOSIGNAL` besides.
//!
//! The original's other faults, none kept: the status line sent twice, by
//! the parent and the child of the CGI `fork`; `execl` without an
//! `argv[0]`; `fclose(NULL)` when a file cannot be opened, which kills the
//! server; a directory named without its slash run as a CGI program when
//! its `x` bits are set; the descriptor of a 501 never closed; threads never
//! detached; `bad_request` sending 1024 bytes of stack for each of its
//! lines; `cat` copying with `fgets`, which drops a last line without a
//! newline and stops at a NUL byte (binary files come out corrupt; here
//! files are copied byte for byte); the CGI child inheriting the sockets of
//! the other clients (no close-on-exec).

pub mod blocking;
pub mod cgi;
pub mod completion;
pub mod nonblocking;
pub mod request;
pub mod response;
pub mod site;

use std::fs::File;
use std::path::Path;

use socket2::{Domain, Socket, Type};
use unp::{wrap, OrDie};

pub use request::{Method, Request};
pub use response::{Body, Dialect, Response, Status};
pub use site::{Plan, Site};

/// The original's `startup`: a TCP socket with `SO_REUSEADDR`, bound to the
/// wildcard address and `port`, listening. When `port` is 0 the kernel
/// picks one; the port bound is returned with the socket. Dies with the
/// book's messages (`bind error: Address already in use`).
pub fn startup(port: u16) -> (Socket, u16) {
    let httpd = wrap::socket(Domain::IPV4, Type::STREAM);
    httpd.set_reuse_address(true).or_die("setsockopt error");
    wrap::bind(
        &httpd,
        &std::net::SocketAddr::from(([0, 0, 0, 0], port)).into(),
    );
    let port = wrap::getsockname(&httpd)
        .as_socket()
        .map_or(port, |addr| addr.port());
    wrap::listen(&httpd, unp::LISTENQ);
    (httpd, port)
}

/// Ignore `SIGPIPE` (`signal(SIGPIPE, SIG_IGN)`): a write to a client that
/// has gone, or to a CGI program that has exited, then fails with `EPIPE`
/// and ends only that connection. Every server calls this first; the CGI
/// child gets the default back before its `execve`.
pub fn ignore_sigpipe() {
    unp::signal::signal(
        nix::sys::signal::Signal::SIGPIPE,
        nix::sys::signal::SigHandler::SigIgn,
    );
}

/// The response to `request` (whose body is `body`): a file, a CGI
/// program's output or an error page, in `dialect`. Runs the CGI program
/// to its end, so it may take up to [`Site::cgi_timeout`].
pub fn respond(site: &Site, dialect: Dialect, request: &Request, body: &[u8]) -> Response {
    answer(site, dialect, request, site.plan(request), body)
}

/// The response to `request` once [`Site::plan`] has said where it leads:
/// what [`respond`] does after the plan, for a server that looks at the
/// plan first (model 4 hands the CGI programs to its workers).
pub fn answer(
    site: &Site,
    dialect: Dialect,
    request: &Request,
    plan: Plan,
    body: &[u8],
) -> Response {
    let keep_alive = dialect == Dialect::Http11 && request.keep_alive;
    let mut response = match plan {
        Plan::Refuse(status) => response::error(dialect, status, keep_alive),
        Plan::File(file, length, path) => serve_file(dialect, file, length, &path, keep_alive),
        Plan::Cgi(path) => execute_cgi(site, dialect, request, &path, body, keep_alive),
    };
    if request.method == Method::Head {
        response.body = Body::Empty;
    }
    response
}

/// The original's `serve_file`: the head for the open `file` of `length`
/// bytes at `path`, and the file as the body.
fn serve_file(
    dialect: Dialect,
    file: File,
    length: u64,
    path: &Path,
    keep_alive: bool,
) -> Response {
    Response {
        status: Status::Ok,
        head: response::head(
            dialect,
            Status::Ok,
            response::content_type(path),
            length,
            keep_alive,
        ),
        body: Body::File(file, length),
        keep_alive,
    }
}

/// The original's `execute_cgi`: the program's output after a `200` status
/// line, or a `500`. In [`Dialect::Faithful`] the output follows the status
/// line as it came (the program writes its own headers); in
/// [`Dialect::Http11`] the program's headers are checked and a
/// `Content-Length` added.
fn execute_cgi(
    site: &Site,
    dialect: Dialect,
    request: &Request,
    path: &Path,
    body: &[u8],
    keep_alive: bool,
) -> Response {
    let output = cgi::run(path, request.method, request.query.as_deref(), body, site);
    let Ok(output) = output else {
        return response::error(dialect, Status::InternalError, keep_alive);
    };
    if dialect == Dialect::Faithful {
        return Response {
            status: Status::Ok,
            head: b"HTTP/1.0 200 OK\r\n".to_vec(),
            body: Body::Bytes(output),
            keep_alive: false,
        };
    }
    let Some((headers, content)) = split_cgi_output(&output) else {
        return response::error(dialect, Status::InternalError, keep_alive);
    };
    Response {
        status: Status::Ok,
        head: response::head(
            dialect,
            Status::Ok,
            &headers,
            content.len() as u64,
            keep_alive,
        ),
        body: Body::Bytes(content.to_vec()),
        keep_alive,
    }
}

/// A CGI program's output cut into its header lines (each ended with CRLF,
/// any `Status`, `Content-Length` or `Connection` of its own dropped) and
/// its body; `None` when there is no blank line ending the headers.
fn split_cgi_output(output: &[u8]) -> Option<(String, &[u8])> {
    let mut headers = String::new();
    let mut at = 0;
    loop {
        let end = output[at..].iter().position(|&b| b == b'\n')? + at;
        let line = std::str::from_utf8(&output[at..end]).ok()?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        at = end + 1;
        if line.is_empty() {
            return Some((headers, &output[at..]));
        }
        let (name, _) = line.split_once(':')?;
        let ours = ["status", "content-length", "connection"];
        if !ours.iter().any(|o| name.trim().eq_ignore_ascii_case(o)) {
            headers.push_str(line);
            headers.push_str("\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgi_output_is_split_at_the_blank_line() {
        let (headers, body) =
            split_cgi_output(b"Content-Type: text/html\nContent-Length: 9\n\n<p>x\n").unwrap();
        assert_eq!(headers, "Content-Type: text/html\r\n");
        assert_eq!(body, b"<p>x\n");
        let (headers, body) = split_cgi_output(b"X: 1\r\n\r\n").unwrap();
        assert_eq!((headers.as_str(), body), ("X: 1\r\n", &b""[..]));
        assert_eq!(split_cgi_output(b"no headers at all"), None);
        assert_eq!(split_cgi_output(b"not a header\n\nbody"), None);
    }
}
