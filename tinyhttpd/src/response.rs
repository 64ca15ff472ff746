//! What the servers send back: a status line, headers and a body, in one of
//! two dialects. [`Dialect::Faithful`] is the original's HTTP/1.0: every
//! response ends at the close of the connection, so it carries no
//! `Content-Length`. [`Dialect::Http11`] is the models': a length on every
//! response, so that a connection can carry the next request (keep-alive).

use std::fs::File;

/// The one `Server` header of every response, the original's.
pub const SERVER: &str = "Server: jdbhttpd/0.1.0\r\n";

/// The statuses the servers answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    BadRequest,
    NotFound,
    PayloadTooLarge,
    InternalError,
    NotImplemented,
}

impl Status {
    /// The code and reason phrase, as the original spells them.
    pub fn line(self) -> &'static str {
        match self {
            Status::Ok => "200 OK",
            Status::BadRequest => "400 BAD REQUEST",
            Status::NotFound => "404 NOT FOUND",
            Status::PayloadTooLarge => "413 Payload Too Large",
            Status::InternalError => "500 Internal Server Error",
            Status::NotImplemented => "501 Method Not Implemented",
        }
    }

    /// A short page for an error status.
    fn page(self) -> &'static str {
        match self {
            Status::Ok => "",
            Status::BadRequest => {
                "<HTML><TITLE>Bad Request</TITLE>\r\n<BODY><P>The request could not be \
                 understood: a malformed or oversized request line or header, or a POST \
                 without a valid Content-Length.\r\n</BODY></HTML>\r\n"
            }
            Status::NotFound => {
                "<HTML><TITLE>Not Found</TITLE>\r\n<BODY><P>Nothing here answers to that \
                 name.\r\n</BODY></HTML>\r\n"
            }
            Status::PayloadTooLarge => {
                "<HTML><TITLE>Payload Too Large</TITLE>\r\n<BODY><P>The request body is \
                 larger than this server accepts.\r\n</BODY></HTML>\r\n"
            }
            Status::InternalError => {
                "<HTML><TITLE>Internal Server Error</TITLE>\r\n<BODY><P>The CGI program \
                 could not be run to completion.\r\n</BODY></HTML>\r\n"
            }
            Status::NotImplemented => {
                "<HTML><TITLE>Method Not Implemented</TITLE>\r\n<BODY><P>This server \
                 knows only the methods GET and POST (and HEAD, in the models).\r\n\
                 </BODY></HTML>\r\n"
            }
        }
    }
}

/// The protocol a server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// The original's: HTTP/1.0, one request per connection, no
    /// `Content-Length`, no HEAD.
    Faithful,
    /// The models': HTTP/1.1 status lines, `Content-Length` on everything,
    /// keep-alive when the client wants it, HEAD.
    Http11,
}

/// The body of a response.
#[derive(Debug)]
pub enum Body {
    /// Nothing (HEAD).
    Empty,
    /// Bytes in memory (error pages, CGI output).
    Bytes(Vec<u8>),
    /// An open file and its length, sent with `sendfile(2)` by the models.
    File(File, u64),
}

/// A response ready to go: the status line and headers, the body, and
/// whether the connection stays open after it.
#[derive(Debug)]
pub struct Response {
    pub status: Status,
    pub head: Vec<u8>,
    pub body: Body,
    pub keep_alive: bool,
}

/// The status line and the headers every response starts with, then
/// `extra` (more header lines), then the end of the head. In the
/// [`Dialect::Http11`] dialect a `Content-Length` of `length` and the
/// `Connection` header.
pub fn head(
    dialect: Dialect,
    status: Status,
    extra: &str,
    length: u64,
    keep_alive: bool,
) -> Vec<u8> {
    let mut head = String::with_capacity(160);
    match dialect {
        Dialect::Faithful => head.push_str("HTTP/1.0 "),
        Dialect::Http11 => head.push_str("HTTP/1.1 "),
    }
    head.push_str(status.line());
    head.push_str("\r\n");
    head.push_str(SERVER);
    head.push_str(extra);
    if dialect == Dialect::Http11 {
        head.push_str("Content-Length: ");
        head.push_str(&length.to_string());
        head.push_str(match keep_alive {
            true => "\r\nConnection: keep-alive\r\n",
            false => "\r\nConnection: close\r\n",
        });
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// The response for an error `status`: its page, in HTML. A refused
/// request must close the connection (`keep_alive` false): what follows it
/// in the stream cannot be trusted to start a request.
pub fn error(dialect: Dialect, status: Status, keep_alive: bool) -> Response {
    let page = status.page();
    Response {
        status,
        head: head(
            dialect,
            status,
            "Content-Type: text/html\r\n",
            page.len() as u64,
            keep_alive,
        ),
        body: Body::Bytes(page.as_bytes().to_vec()),
        keep_alive,
    }
}

/// The `Content-Type` header for a file, from its name's extension (the
/// original sends `text/html` for everything).
pub fn content_type(name: &std::path::Path) -> &'static str {
    match name.extension().and_then(|e| e.to_str()) {
        Some("css") => "Content-Type: text/css\r\n",
        Some("txt") => "Content-Type: text/plain\r\n",
        Some("png") => "Content-Type: image/png\r\n",
        Some("jpg" | "jpeg") => "Content-Type: image/jpeg\r\n",
        Some("gif") => "Content-Type: image/gif\r\n",
        Some("js") => "Content-Type: text/javascript\r\n",
        Some("bin") => "Content-Type: application/octet-stream\r\n",
        _ => "Content-Type: text/html\r\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_faithful_head_has_no_length() {
        let head = head(Dialect::Faithful, Status::Ok, "X: y\r\n", 5, true);
        assert_eq!(
            head,
            b"HTTP/1.0 200 OK\r\nServer: jdbhttpd/0.1.0\r\nX: y\r\n\r\n"
        );
    }

    #[test]
    fn the_http11_head_has_length_and_connection() {
        let head = head(Dialect::Http11, Status::NotFound, "", 7, false);
        assert_eq!(
            head,
            &b"HTTP/1.1 404 NOT FOUND\r\nServer: jdbhttpd/0.1.0\r\nContent-Length: 7\r\nConnection: close\r\n\r\n"[..]
        );
    }
}
