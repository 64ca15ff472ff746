//! The document tree (`htdocs/`) and the server's limits, and how a
//! request's path maps to a file in it.
//!
//! The original pastes the URL after `htdocs`, so `GET /../../etc/passwd`
//! reads `/etc/passwd`. Here the path is percent-decoded first (so
//! `%2e%2e` is `..`), any `..` segment is a `400`, and the file found is
//! resolved through every symlink and must still lie inside the tree's own
//! resolved path, or it is a `404`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use unp::OrDie;

use crate::request::{Method, Request};
use crate::response::Status;

/// How long a client may take to send a whole request, and how long a write
/// to it may stall, unless `TINYHTTPD_TIMEOUT_MS` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a CGI program may run, unless `TINYHTTPD_CGI_TIMEOUT_MS` says
/// otherwise.
pub const DEFAULT_CGI_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a CGI program may print before it is killed.
pub const MAX_CGI_OUTPUT: usize = 1024 * 1024;

/// The document tree and the limits a server applies.
#[derive(Clone, Debug)]
pub struct Site {
    /// The tree's resolved path (`htdocs/`).
    pub root: PathBuf,
    /// The read timeout for a whole request, and the write timeout.
    pub timeout: Duration,
    /// How long a CGI program may run.
    pub cgi_timeout: Duration,
}

/// What a request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// A refusal with this status.
    Refuse(Status),
    /// A file to send.
    File(PathBuf),
    /// A CGI program to run.
    Cgi(PathBuf),
}

impl Site {
    /// The site of the environment: `TINYHTTPD_HTDOCS` if set, else
    /// `htdocs` in the working directory as in the original, else this
    /// crate's own `htdocs/` (so `cargo run --bin httpd` works from
    /// anywhere); the timeouts from `TINYHTTPD_TIMEOUT_MS` and
    /// `TINYHTTPD_CGI_TIMEOUT_MS`. Dies with `htdocs: <strerror>` if the
    /// tree is missing.
    pub fn from_env() -> Site {
        let root = match std::env::var_os("TINYHTTPD_HTDOCS") {
            Some(dir) => PathBuf::from(dir),
            None if Path::new("htdocs").is_dir() => PathBuf::from("htdocs"),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("htdocs"),
        };
        let millis = |name: &str, default: Duration| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .map(Duration::from_millis)
                .unwrap_or(default)
        };
        Site {
            root: root.canonicalize().or_die(format!("{}", root.display())),
            timeout: millis("TINYHTTPD_TIMEOUT_MS", DEFAULT_TIMEOUT),
            cgi_timeout: millis("TINYHTTPD_CGI_TIMEOUT_MS", DEFAULT_CGI_TIMEOUT),
        }
    }

    /// Where `request` leads: the original's routing (a path ending in `/`
    /// or naming a directory gets its `index.html`; an executable file, a
    /// GET with a query string or any POST runs a CGI program; else the
    /// file is sent), confined to the tree. Only `stat(2)` and
    /// `realpath(3)`: nothing here blocks on the client.
    pub fn plan(&self, request: &Request) -> Plan {
        let Some(decoded) = percent_decode(request.path.as_bytes()) else {
            return Plan::Refuse(Status::BadRequest);
        };
        let segments = || decoded.split(|&b| b == b'/');
        if decoded.contains(&0) || segments().any(|segment| segment == b"..") {
            return Plan::Refuse(Status::BadRequest);
        }
        let mut path = self.root.clone();
        for segment in segments().filter(|s| !s.is_empty() && *s != b".") {
            path.push(OsStr::from_bytes(segment));
        }
        if decoded.ends_with(b"/") {
            path.push("index.html");
        }
        let Ok(mut meta) = std::fs::metadata(&path) else {
            return Plan::Refuse(Status::NotFound);
        };
        if meta.is_dir() {
            path.push("index.html");
            match std::fs::metadata(&path) {
                Ok(index) => meta = index,
                Err(_) => return Plan::Refuse(Status::NotFound),
            }
        }
        let inside = path
            .canonicalize()
            .ok()
            .filter(|p| p.starts_with(&self.root));
        let Some(real) = inside.filter(|_| meta.is_file()) else {
            return Plan::Refuse(Status::NotFound);
        };
        let executable = meta.permissions().mode() & 0o111 != 0;
        match executable || request.query.is_some() || request.method == Method::Post {
            true => Plan::Cgi(real),
            false => Plan::File(real),
        }
    }
}

/// `path` with every `%XX` replaced by its byte; `None` if a `%` is not
/// followed by two hexadecimal digits.
pub fn percent_decode(path: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(path.len());
    let mut bytes = path.iter();
    while let Some(&b) = bytes.next() {
        if b == b'%' {
            let hex = [*bytes.next()?, *bytes.next()?];
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let text = std::str::from_utf8(&hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode(b"/%2e%2E/a%20b").unwrap(), b"/../a b");
        assert_eq!(percent_decode(b"/a%2"), None);
        assert_eq!(percent_decode(b"/a%zz"), None);
        assert_eq!(percent_decode(b"/a%+1"), None);
    }
}
