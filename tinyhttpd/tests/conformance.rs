//! The HTTP conformance suite every server of the crate passes: the
//! faithful `httpd` (HTTP/1.0) and each concurrency model (HTTP/1.1).
//! Each check starts its own server on a free port over its own tree, and
//! talks to it with raw bytes.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::thread;

use support::{add_big_file, Reply, Server, SUB_INDEX};
use unp_tests::{binary_data, process_group, reset, wait_until};

/// A server under test.
#[derive(Clone, Copy)]
pub struct Model {
    /// The binary.
    pub name: &'static str,
    /// HTTP/1.1 with keep-alive and HEAD (the models), or the original's
    /// HTTP/1.0 (`httpd`).
    pub http11: bool,
    /// Serves clients at the same time (all but the iterative model).
    pub concurrent: bool,
}

impl Model {
    fn status(&self, status: &str) -> String {
        match self.http11 {
            true => format!("HTTP/1.1 {status}"),
            false => format!("HTTP/1.0 {status}"),
        }
    }

    fn start(&self) -> Server {
        Server::start(self.name, &[])
    }
}

/// A file comes whole, byte for byte (a binary one too, which the
/// original's `fgets` copy corrupts, and one sent in several pieces), with
/// the original's headers, and a `Content-Length` in HTTP/1.1.
pub fn files_come_whole(model: Model) {
    let server = model.start();
    let reply = server.get("/");
    let index = std::fs::read(server.root.join("index.html")).unwrap();
    assert_eq!(reply.status_line, model.status("200 OK"));
    assert_eq!(reply.header("Server"), Some("jdbhttpd/0.1.0"));
    assert_eq!(reply.header("Content-Type"), Some("text/html"));
    assert_eq!(reply.body, index);
    if model.http11 {
        assert_eq!(
            reply.header("Content-Length"),
            Some(&*index.len().to_string())
        );
    }
    let reply = server.get("/data.bin");
    assert!(reply.body == binary_data(10_000), "data.bin differs");
    // Larger than a piece of httpd-uring's file reads (unp::uring::FILE_PIECE).
    add_big_file(&server.root, 200_000);
    let reply = server.get("/big.bin");
    assert!(reply.body == binary_data(200_000), "big.bin differs");
}

/// A directory, named with its slash or without, gets its `index.html`,
/// never runs as a CGI program (the original's fault when the directory's
/// `x` bits are set, as they always are).
pub fn directories_get_their_index(model: Model) {
    let server = model.start();
    for path in ["/sub", "/sub/", "/sub/index.html"] {
        let reply = server.get(path);
        assert_eq!(reply.status_line, model.status("200 OK"), "{path}");
        assert_eq!(reply.text(), SUB_INDEX, "{path}");
    }
}

/// A GET with a query string runs the CGI program, which gets the query
/// in `QUERY_STRING`; the status line comes once.
pub fn cgi_get(model: Model) {
    let server = model.start();
    let reply = server.get("/color.cgi?color=red");
    assert_eq!(reply.status_line, model.status("200 OK"));
    assert_eq!(reply.header("Content-Type"), Some("text/html"));
    assert!(
        reply.text().contains("<title>RED</title>"),
        "{}",
        reply.text()
    );
    assert!(!reply.text().contains("HTTP/1."), "a second status line");
    let reply = server.get("/check.cgi?first=1&second=two");
    assert!(
        reply.text().contains("<li>second = two</li>"),
        "{}",
        reply.text()
    );
}

/// A POST runs the CGI program with the body on its stdin and
/// `CONTENT_LENGTH` set.
pub fn cgi_post(model: Model) {
    let server = model.start();
    let reply = server.exchange(
        b"POST /color.cgi HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 11\r\n\r\ncolor=green",
    );
    assert_eq!(reply.status_line, model.status("200 OK"));
    assert!(
        reply.text().contains("<title>GREEN</title>"),
        "{}",
        reply.text()
    );
    let body = "x=%3Cb%3E&y=a+b";
    let reply = server.exchange(
        format!(
            "post /check.cgi HTTP/1.0\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(
        reply.text().contains("<li>x = &#60;b&#62;</li>"),
        "{}",
        reply.text()
    );
    assert!(
        reply.text().contains("<li>y = a b</li>"),
        "{}",
        reply.text()
    );
}

/// `404` for a missing file, `501` for an unknown method, `400` for a
/// malformed request or a POST without a valid `Content-Length`, `413`
/// for a body too large, `500` for a CGI program that cannot run.
pub fn error_statuses(model: Model) {
    let server = model.start();
    let cases: [(&[u8], &str); 10] = [
        (b"GET /nope HTTP/1.0\r\n\r\n", "404 NOT FOUND"),
        (b"DELETE / HTTP/1.0\r\n\r\n", "501 Method Not Implemented"),
        (b"GET\r\n\r\n", "400 BAD REQUEST"),
        (b"GET nope HTTP/1.0\r\n\r\n", "400 BAD REQUEST"),
        (b"POST /color.cgi HTTP/1.0\r\n\r\n", "400 BAD REQUEST"),
        (
            b"POST /color.cgi HTTP/1.0\r\nContent-Length: -1\r\n\r\n",
            "400 BAD REQUEST",
        ),
        (
            b"POST /color.cgi HTTP/1.0\r\nContent-Length: 2000000\r\n\r\n",
            "413 Payload Too Large",
        ),
        (
            b"GET /noexec.cgi HTTP/1.0\r\n\r\n",
            "500 Internal Server Error",
        ),
        (
            b"GET /index.html?x=1 HTTP/1.0\r\n\r\n",
            "500 Internal Server Error",
        ),
        (
            b"POST /index.html HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
            "500 Internal Server Error",
        ),
    ];
    for (request, status) in cases {
        let reply = server.exchange(request);
        let what = String::from_utf8_lossy(request);
        assert_eq!(reply.status_line, model.status(status), "{what}");
        assert_eq!(reply.header("Server"), Some("jdbhttpd/0.1.0"), "{what}");
    }
}

/// No path leaves the tree: `..` plain or percent-encoded is refused, and
/// a symlink out of the tree is not followed.
pub fn no_path_escapes(model: Model) {
    let server = model.start();
    for (path, status) in [
        ("/../../etc/passwd", "400 BAD REQUEST"),
        ("/%2e%2e/%2e%2e/etc/passwd", "400 BAD REQUEST"),
        ("/sub/%2E%2E/%2e%2E/%2e%2e/etc/passwd", "400 BAD REQUEST"),
        ("/sub/..%2f..%2f..%2fetc/passwd", "400 BAD REQUEST"),
        ("//etc/passwd", "404 NOT FOUND"),
        ("/passwd-link", "404 NOT FOUND"),
        ("/etc-link/passwd", "404 NOT FOUND"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status_line, model.status(status), "{path}");
        assert!(
            !reply.text().contains("root:"),
            "{path} served the password file"
        );
    }
}

/// A 1 MB request line that has not ended and 10,000 headers are refused
/// with `400`, and the server goes on serving.
pub fn oversized_requests(model: Model) {
    let server = model.start();
    // A line that never ends: refused once it is too long, not buffered
    // until the client stops.
    let mut line = b"GET /".to_vec();
    line.resize(1 << 20, b'a');
    let mut headers = b"GET / HTTP/1.0\r\n".to_vec();
    for i in 0..10_000 {
        headers.extend_from_slice(format!("X-Header-{i}: value\r\n").as_bytes());
    }
    headers.extend_from_slice(b"\r\n");
    for request in [line, headers] {
        let mut stream = server.connect();
        let mut writer = stream.try_clone().unwrap();
        // The server answers before the request is all sent: write on the
        // side, and let the write fail once the server has closed.
        let sender = thread::spawn(move || {
            let _ = writer.write_all(&request);
        });
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        sender.join().unwrap();
        let reply = Reply::parse(&bytes).expect("a reply");
        assert_eq!(reply.status_line, model.status("400 BAD REQUEST"));
    }
    assert_eq!(server.get("/").status_line, model.status("200 OK"));
}

/// A client that sends one byte at a time and never finishes is cut off
/// once its read timeout (made 300 ms here) is up; a body shorter than
/// its `Content-Length` is a `400` once the client stops sending.
pub fn slow_and_short_clients(model: Model) {
    let server = Server::start(model.name, &[("TINYHTTPD_TIMEOUT_MS", "300")]);
    let mut slow = server.connect();
    let mut writer = slow.try_clone().unwrap();
    let trickle = thread::spawn(move || {
        let _ = writer.write_all(b"GET / HTTP/1.0\r\nX-Slow: ");
        while writer.write_all(b"a").is_ok() {
            thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    let mut bytes = Vec::new();
    let ended = slow.read_to_end(&mut bytes);
    let timed_out =
        |err: &std::io::Error| matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
    assert!(
        !ended.as_ref().is_err_and(timed_out),
        "the server never cut off the slow client"
    );
    assert!(!bytes.starts_with(&model.status("200").into_bytes()[..]));
    let _ = slow.shutdown(Shutdown::Both);
    trickle.join().unwrap();

    let mut short = server.connect();
    short
        .write_all(b"POST /color.cgi HTTP/1.0\r\nContent-Length: 100\r\n\r\ncolor=red")
        .unwrap();
    short.shutdown(Shutdown::Write).unwrap();
    let mut bytes = Vec::new();
    short.read_to_end(&mut bytes).unwrap();
    let reply = Reply::parse(&bytes).expect("a reply");
    assert_eq!(reply.status_line, model.status("400 BAD REQUEST"));
    assert_eq!(server.get("/").status_line, model.status("200 OK"));
}

/// A client that resets its connection in the middle of an 8 MB response
/// ends only its own connection (the write fails with `EPIPE` or
/// `ECONNRESET`, no `SIGPIPE`): the server serves the next client.
pub fn client_reset_mid_response(model: Model) {
    let mut server = model.start();
    add_big_file(&server.root, 8 << 20);
    for _ in 0..3 {
        let mut stream = server.connect();
        stream.write_all(b"GET /big.bin HTTP/1.0\r\n\r\n").unwrap();
        let mut some = [0u8; 1024];
        stream.read_exact(&mut some).unwrap();
        reset(stream);
    }
    assert_eq!(server.get("/").status_line, model.status("200 OK"));
    assert!(server.proc.is_running());
}

/// A CGI program that never exits, or never stops printing, is killed
/// (after a CGI timeout made 500 ms here, or 1 MB of output), the client
/// gets a `500`, the child is reaped, and the server goes on.
pub fn cgi_that_hangs_or_floods(model: Model) {
    let server = Server::start(model.name, &[("TINYHTTPD_CGI_TIMEOUT_MS", "500")]);
    for path in ["/hang.cgi", "/flood.cgi"] {
        let reply = server.get(path);
        assert_eq!(
            reply.status_line,
            model.status("500 Internal Server Error"),
            "{path}"
        );
    }
    // The server's process group holds the server (and, for the process
    // model, its children) and the CGI programs it runs, unless they are
    // reaped.
    let group = server.proc.pid();
    let comm = |pid: i32| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let server_comm = comm(group);
    wait_until("the CGI children reaped", || {
        process_group(group)
            .iter()
            .all(|&(pid, _)| comm(pid) == server_comm)
    });
    assert_eq!(server.get("/").status_line, model.status("200 OK"));
}

/// The CGI child inherits no socket: not the listening socket, not the
/// connection of another client being served at the same time.
pub fn cgi_inherits_no_socket(model: Model) {
    let server = model.start();
    // An iterative server would wait for this client before the next.
    let _other = model.concurrent.then(|| {
        let mut other = server.connect();
        other.write_all(b"GET / HTTP/1.0\r\n").unwrap();
        other
    });
    let reply = server.get("/fds.cgi");
    assert_eq!(reply.status_line, model.status("200 OK"));
    assert!(reply.text().contains(" 0 -> "), "{}", reply.text());
    assert!(!reply.text().contains("socket:"), "{}", reply.text());
}

/// HTTP/1.1: requests follow each other on one connection (files, CGI,
/// errors that leave the stream in step), HEAD sends the head alone with
/// the length the body would have. HTTP/1.0 (`httpd`): one request per
/// connection, and HEAD is not implemented.
pub fn keep_alive_and_head(model: Model) {
    let server = model.start();
    let index = std::fs::read(server.root.join("index.html")).unwrap();
    let mut stream = server.connect();
    if !model.http11 {
        stream
            .write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n")
            .unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        assert_eq!(
            Reply::parse(&bytes).unwrap().body,
            index,
            "one response, then the close"
        );
        let reply = server.exchange(b"HEAD / HTTP/1.0\r\n\r\n");
        assert_eq!(reply.status_line, "HTTP/1.0 501 Method Not Implemented");
        return;
    }
    let requests: [(&[u8], bool, &str); 5] = [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, "200 OK"),
        (b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", true, "200 OK"),
        (
            b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
            false,
            "404 NOT FOUND",
        ),
        (
            b"POST /color.cgi HTTP/1.1\r\nContent-Length: 10\r\n\r\ncolor=blue",
            false,
            "200 OK",
        ),
        (b"GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n", false, "200 OK"),
    ];
    for (request, head_only, status) in requests {
        stream.write_all(request).unwrap();
        let reply = Reply::read(&mut stream, head_only).unwrap();
        assert_eq!(reply.status_line, model.status(status));
        assert_eq!(reply.header("Connection"), Some("keep-alive"));
        if head_only {
            assert_eq!(
                reply.header("Content-Length"),
                Some(&*index.len().to_string())
            );
        }
    }
    // Pipelined, the second saying close: both answered, then the close.
    stream
        .write_all(b"GET / HTTP/1.1\r\n\r\nGET /sub/ HTTP/1.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(Reply::read(&mut stream, false).unwrap().body, index);
    let last = Reply::read(&mut stream, false).unwrap();
    assert_eq!(last.header("Connection"), Some("close"));
    assert_eq!(last.text(), SUB_INDEX);
    assert_eq!(stream.read(&mut [0u8; 1]).unwrap(), 0, "closed after close");
}

macro_rules! conformance {
    ($($module:ident: $name:literal, $http11:literal, $concurrent:literal;)*) => {$(
        mod $module {
            use super::*;
            const MODEL: Model = Model { name: $name, http11: $http11, concurrent: $concurrent };
            #[test] fn files_come_whole() { super::files_come_whole(MODEL) }
            #[test] fn directories_get_their_index() { super::directories_get_their_index(MODEL) }
            #[test] fn cgi_get() { super::cgi_get(MODEL) }
            #[test] fn cgi_post() { super::cgi_post(MODEL) }
            #[test] fn error_statuses() { super::error_statuses(MODEL) }
            #[test] fn no_path_escapes() { super::no_path_escapes(MODEL) }
            #[test] fn oversized_requests() { super::oversized_requests(MODEL) }
            #[test] fn slow_and_short_clients() { super::slow_and_short_clients(MODEL) }
            #[test] fn client_reset_mid_response() { super::client_reset_mid_response(MODEL) }
            #[test] fn cgi_that_hangs_or_floods() { super::cgi_that_hangs_or_floods(MODEL) }
            #[test] fn cgi_inherits_no_socket() { super::cgi_inherits_no_socket(MODEL) }
            #[test] fn keep_alive_and_head() { super::keep_alive_and_head(MODEL) }
        }
    )*};
}

conformance! {
    httpd: "httpd", false, true;
    iterative: "httpd-iterative", true, false;
    threaded: "httpd-threaded", true, true;
    epoll: "httpd-epoll", true, true;
    pool: "httpd-pool", true, true;
    loops: "httpd-loops", true, true;
    reuseport: "httpd-reuseport", true, true;
    uring: "httpd-uring", true, true;
}
