//! The request head: the request line and the headers, parsed from the bytes
//! received so far, so that a blocking reader and an event loop share one
//! parser.
//!
//! Lines end as the original's `get_line` ends them: at a line feed, at a
//! carriage return followed by a line feed (both consumed), or at a lone
//! carriage return (the byte after it starts the next line). A line cut by
//! the end of the connection ends there too.
//!
//! Unlike the original, every part is bounded: a line longer than
//! [`MAX_LINE`], more than [`MAX_HEADERS`] headers or a head larger than
//! [`MAX_HEAD`] is a `400`, a body announced larger than [`MAX_BODY`] a
//! `413`, and a POST must say how long its body is.

use crate::response::Status;

/// The longest request line or header line, terminator excluded.
pub const MAX_LINE: usize = 8192;
/// The most headers a request may carry.
pub const MAX_HEADERS: usize = 100;
/// The largest request head, request line and headers together.
pub const MAX_HEAD: usize = 64 * 1024;
/// The largest request body (what a POST passes to a CGI program).
pub const MAX_BODY: usize = 1024 * 1024;

/// The methods the servers know. The faithful `httpd` knows GET and POST
/// only; the models add HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Head,
}

impl Method {
    /// The method's name as a CGI program sees it in `REQUEST_METHOD`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
        }
    }
}

/// A parsed request head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The path of the URL, before any `?`, still percent-encoded.
    pub path: String,
    /// What follows the `?` of a GET, if there was one.
    pub query: Option<String>,
    /// `HTTP/1.1` on the request line (anything else counts as 1.0).
    pub http11: bool,
    /// The `Content-Length` header.
    pub content_length: Option<usize>,
    /// Whether the client asked to keep the connection (`Connection:
    /// keep-alive` in 1.0, the absence of `Connection: close` in 1.1).
    pub keep_alive: bool,
}

/// What [`parse_head`] made of the bytes so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// The head is not complete yet: read more.
    Incomplete,
    /// A whole head, and how many bytes of the buffer it took.
    Done(Request, usize),
    /// A request the server refuses with this status.
    Refused(Status),
}

/// One line of `buf` from `start`, by `get_line`'s rules: the line (without
/// its terminator) and the offset after the terminator, or `None` if the
/// line may still go on. At end of file (`eof`) an unterminated line ends
/// with the data.
fn next_line(buf: &[u8], start: usize, eof: bool) -> Option<(&[u8], usize)> {
    let rest = &buf[start..];
    match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(i) if rest[i] == b'\n' => Some((&rest[..i], start + i + 1)),
        Some(i) => match rest.get(i + 1) {
            Some(b'\n') => Some((&rest[..i], start + i + 2)),
            Some(_) => Some((&rest[..i], start + i + 1)),
            // A carriage return last: get_line peeks at the next byte.
            None if eof => Some((&rest[..i], start + i + 1)),
            None => None,
        },
        None if eof && !rest.is_empty() => Some((rest, buf.len())),
        None => None,
    }
}

/// Parse the head at the start of `buf`; `eof` says the client has sent
/// all it will. `extended` accepts HEAD (the models); the faithful server
/// answers it 501 as the original does.
pub fn parse_head(buf: &[u8], eof: bool, extended: bool) -> Parsed {
    let Some((line, mut at)) = next_line(buf, 0, eof) else {
        return too_long_or_incomplete(buf, 0);
    };
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let method = match words.next() {
        Some(m) if m.eq_ignore_ascii_case(b"GET") => Method::Get,
        Some(m) if m.eq_ignore_ascii_case(b"POST") => Method::Post,
        Some(m) if extended && m.eq_ignore_ascii_case(b"HEAD") => Method::Head,
        Some(_) => return Parsed::Refused(Status::NotImplemented),
        None => return Parsed::Refused(Status::BadRequest),
    };
    let Some(url) = words.next().and_then(|u| std::str::from_utf8(u).ok()) else {
        return Parsed::Refused(Status::BadRequest);
    };
    if !url.starts_with('/') || line.len() > MAX_LINE {
        return Parsed::Refused(Status::BadRequest);
    }
    let http11 = words.next() == Some(b"HTTP/1.1");
    let (path, query) = match (method, url.split_once('?')) {
        (Method::Get | Method::Head, Some((path, query))) => (path, Some(query.to_owned())),
        _ => (url, None),
    };
    let mut request = Request {
        method,
        path: path.to_owned(),
        query,
        http11,
        content_length: None,
        keep_alive: http11,
    };
    let mut headers = 0;
    loop {
        if eof && at == buf.len() {
            // get_line at end of file: the headers end with the data.
            break;
        }
        let Some((line, next)) = next_line(buf, at, eof) else {
            return too_long_or_incomplete(buf, at);
        };
        if line.is_empty() {
            at = next;
            break;
        }
        headers += 1;
        if headers > MAX_HEADERS || line.len() > MAX_LINE || next > MAX_HEAD {
            return Parsed::Refused(Status::BadRequest);
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Parsed::Refused(Status::BadRequest);
        };
        let name = &line[..colon];
        let value = line[colon + 1..].trim_ascii();
        if name.eq_ignore_ascii_case(b"content-length") {
            let length = std::str::from_utf8(value)
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .map(|v| v.parse::<usize>().unwrap_or(usize::MAX));
            match (length, request.content_length) {
                (None, _) => return Parsed::Refused(Status::BadRequest),
                (Some(n), Some(earlier)) if n != earlier => {
                    return Parsed::Refused(Status::BadRequest)
                }
                (Some(n), _) => request.content_length = Some(n),
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            // No chunked bodies: a POST must say its length.
            return Parsed::Refused(Status::BadRequest);
        } else if name.eq_ignore_ascii_case(b"connection") {
            if value.eq_ignore_ascii_case(b"close") {
                request.keep_alive = false;
            } else if value.eq_ignore_ascii_case(b"keep-alive") {
                request.keep_alive = true;
            }
        }
        at = next;
    }
    match (request.method, request.content_length) {
        (Method::Post, None) => Parsed::Refused(Status::BadRequest),
        (_, Some(n)) if n > MAX_BODY => Parsed::Refused(Status::PayloadTooLarge),
        _ => Parsed::Done(request, at),
    }
}

/// `Incomplete`, unless the unterminated line from `start` (or the whole
/// head) is already over its bound.
fn too_long_or_incomplete(buf: &[u8], start: usize) -> Parsed {
    match buf.len() - start > MAX_LINE || buf.len() > MAX_HEAD {
        true => Parsed::Refused(Status::BadRequest),
        false => Parsed::Incomplete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(buf: &[u8]) -> (Request, usize) {
        match parse_head(buf, false, true) {
            Parsed::Done(request, used) => (request, used),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
        }
    }

    #[test]
    fn lines_end_in_lf_crlf_or_a_lone_cr() {
        for (head, next) in [
            (&b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"[..], 0),
            (b"GET /a HTTP/1.1\nHost: x\n\n", 0),
            // A lone CR ends its line once the next byte is not a LF.
            (b"GET /a HTTP/1.1\rHost: x\r\rG", 1),
            (b"GET /a HTTP/1.1\rHost: x\n\r\nG", 1),
        ] {
            let (request, used) = done(head);
            assert_eq!(request.path, "/a");
            assert!(request.http11);
            assert_eq!(used, head.len() - next);
        }
    }

    #[test]
    fn a_carriage_return_last_waits_for_the_next_byte() {
        assert_eq!(
            parse_head(b"GET / HTTP/1.0\r", false, true),
            Parsed::Incomplete
        );
        assert_eq!(
            parse_head(b"GET / HTTP/1.0\r\n\r", false, true),
            Parsed::Incomplete
        );
        assert!(matches!(
            parse_head(b"GET / HTTP/1.0\r\n\r", true, true),
            Parsed::Done(_, 17)
        ));
    }

    #[test]
    fn end_of_file_ends_the_head_as_get_line_does() {
        assert!(matches!(
            parse_head(b"GET / HTTP/1.0", true, true),
            Parsed::Done(_, 14)
        ));
        assert_eq!(
            parse_head(b"GET / HTTP/1.0", false, true),
            Parsed::Incomplete
        );
    }

    #[test]
    fn methods_are_case_insensitive_and_others_unimplemented() {
        assert_eq!(done(b"get / HTTP/1.0\n\n").0.method, Method::Get);
        assert_eq!(
            done(b"pOsT /x HTTP/1.0\nContent-Length: 3\n\n").0.method,
            Method::Post
        );
        assert_eq!(
            parse_head(b"DELETE / HTTP/1.0\n\n", false, true),
            Parsed::Refused(Status::NotImplemented)
        );
        assert_eq!(
            parse_head(b"HEAD / HTTP/1.0\n\n", false, false),
            Parsed::Refused(Status::NotImplemented)
        );
    }

    #[test]
    fn a_get_query_is_split_off() {
        let (request, _) = done(b"GET /color.cgi?color=red HTTP/1.0\n\n");
        assert_eq!(request.path, "/color.cgi");
        assert_eq!(request.query.as_deref(), Some("color=red"));
        assert!(!request.http11 && !request.keep_alive);
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        assert!(done(b"GET / HTTP/1.1\n\n").0.keep_alive);
        assert!(!done(b"GET / HTTP/1.1\nConnection: close\n\n").0.keep_alive);
        assert!(
            done(b"GET / HTTP/1.0\nConnection: Keep-Alive\n\n")
                .0
                .keep_alive
        );
    }

    #[test]
    fn bad_heads_are_refused() {
        let bad = |head: &[u8]| parse_head(head, false, true);
        assert_eq!(bad(b"\r\n"), Parsed::Refused(Status::BadRequest));
        assert_eq!(bad(b"GET\r\n\r\n"), Parsed::Refused(Status::BadRequest));
        assert_eq!(bad(b"GET x\r\n\r\n"), Parsed::Refused(Status::BadRequest));
        assert_eq!(
            bad(b"GET / HTTP/1.0\r\nno colon\r\n\r\n"),
            Parsed::Refused(Status::BadRequest)
        );
        assert_eq!(
            bad(b"POST /x HTTP/1.0\r\n\r\n"),
            Parsed::Refused(Status::BadRequest)
        );
        for length in ["-1", "", "1x", "+3"] {
            let head = format!("POST /x HTTP/1.0\r\nContent-Length: {length}\r\n\r\n");
            assert_eq!(bad(head.as_bytes()), Parsed::Refused(Status::BadRequest));
        }
        assert_eq!(
            bad(b"POST /x HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Parsed::Refused(Status::BadRequest)
        );
        assert_eq!(
            bad(b"POST /x HTTP/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
            Parsed::Refused(Status::PayloadTooLarge)
        );
    }

    #[test]
    fn every_part_is_bounded() {
        let long_line = vec![b'a'; MAX_LINE + 1];
        assert_eq!(
            parse_head(&long_line, false, true),
            Parsed::Refused(Status::BadRequest)
        );
        let mut many = b"GET / HTTP/1.0\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: y\r\n");
        }
        assert_eq!(
            parse_head(&many, false, true),
            Parsed::Refused(Status::BadRequest)
        );
        let mut long_header = b"GET / HTTP/1.0\r\nX: ".to_vec();
        long_header.resize(long_header.len() + MAX_LINE, b'y');
        assert_eq!(
            parse_head(&long_header, false, true),
            Parsed::Refused(Status::BadRequest)
        );
    }
}
