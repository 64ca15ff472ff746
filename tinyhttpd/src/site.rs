//! The document tree (`htdocs/`) and the server's limits, and how a
//! request's path maps to a file in it.
//!
//! The original pastes the URL after `htdocs`, so `GET /../../etc/passwd`
//! reads `/etc/passwd`. Here the path is percent-decoded first (so
//! `%2e%2e` is `..`), any `..` segment is a `400`, and the file is opened
//! with `openat2(RESOLVE_BENEATH)` from the tree's directory, so that no
//! symlink leads out of it: such a file is a `404`.

use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// The tree's directory, open: every file is opened from it.
    pub root_dir: Arc<File>,
    /// The read timeout for a whole request, and the write timeout.
    pub timeout: Duration,
    /// How long a CGI program may run.
    pub cgi_timeout: Duration,
}

/// What a request asks for.
#[derive(Debug)]
pub enum Plan {
    /// A refusal with this status.
    Refuse(Status),
    /// A file to send: open, its length, its path in the tree (for its
    /// type).
    File(File, u64, PathBuf),
    /// A CGI program to run, by its full path.
    Cgi(PathBuf),
}

impl Site {
    /// The site of the environment: `TINYHTTPD_HTDOCS` if set, else
    /// `htdocs` in the working directory as in the original, else this
    /// crate's own `htdocs/` (so `cargo run --bin httpd` works from
    /// anywhere); the timeouts from `TINYHTTPD_TIMEOUT_MS` and
    /// `TINYHTTPD_CGI_TIMEOUT_MS`. Dies with `<dir>: <strerror>` if the
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
        let root = root.canonicalize().or_die(root.display());
        Site {
            root_dir: Arc::new(File::open(&root).or_die(root.display())),
            root,
            timeout: millis("TINYHTTPD_TIMEOUT_MS", DEFAULT_TIMEOUT),
            cgi_timeout: millis("TINYHTTPD_CGI_TIMEOUT_MS", DEFAULT_CGI_TIMEOUT),
        }
    }

    /// Where `request` leads: the original's routing (a path ending in `/`
    /// or naming a directory gets its `index.html`; an executable file, a
    /// GET with a query string or any POST runs a CGI program; else the
    /// file is sent), confined to the tree. Opens the file: nothing here
    /// waits for the client.
    pub fn plan(&self, request: &Request) -> Plan {
        let Some(decoded) = percent_decode(request.path.as_bytes()) else {
            return Plan::Refuse(Status::BadRequest);
        };
        let segments = || decoded.split(|&b| b == b'/');
        if decoded.contains(&0) || segments().any(|segment| segment == b"..") {
            return Plan::Refuse(Status::BadRequest);
        }
        let mut path = PathBuf::new();
        for segment in segments().filter(|s| !s.is_empty() && *s != b".") {
            path.push(OsStr::from_bytes(segment));
        }
        if decoded.ends_with(b"/") {
            path.push("index.html");
        }
        let opened = |path: &Path| {
            let file = self.open_beneath(path).ok()?;
            let meta = file.metadata().ok()?;
            Some((file, meta))
        };
        let Some((mut file, mut meta)) = opened(&path) else {
            return Plan::Refuse(Status::NotFound);
        };
        if meta.is_dir() {
            path.push("index.html");
            match opened(&path) {
                Some(index) => (file, meta) = index,
                None => return Plan::Refuse(Status::NotFound),
            }
        }
        if !meta.is_file() {
            return Plan::Refuse(Status::NotFound);
        }
        let executable = meta.permissions().mode() & 0o111 != 0;
        match executable || request.query.is_some() || request.method == Method::Post {
            true => Plan::Cgi(self.root.join(path)),
            false => Plan::File(file, meta.len(), path),
        }
    }

    /// Open `path` (relative, no `..`) for reading, only if it resolves,
    /// through every symlink, inside the tree: one
    /// [`openat2(2)`](https://man7.org/linux/man-pages/man2/openat2.2.html)
    /// with `RESOLVE_BENEATH` from the tree's directory, which the kernel
    /// checks as it walks the path, so a symlink swapped in meanwhile
    /// cannot lead out. Where the kernel has no `openat2` (before 5.6, or
    /// a seccomp filter refusing it) the path is resolved with
    /// `realpath(3)` and checked, then opened. `O_NONBLOCK`, so that a FIFO
    /// in the tree cannot block the open.
    pub fn open_beneath(&self, path: &Path) -> io::Result<File> {
        let relative = match path.as_os_str().is_empty() {
            true => Path::new("."),
            false => path,
        };
        let name = CString::new(relative.as_os_str().as_bytes())?;
        let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY;
        // SAFETY: open_how is plain data; zeroed is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = flags as u64;
        how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
        // SAFETY: openat2 reads `name` (NUL-terminated) and `how` (of the
        // size passed) and returns a new descriptor or -1.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                self.root_dir.as_raw_fd(),
                name.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd >= 0 {
            // SAFETY: the descriptor was just returned to us, owned by
            // nothing else.
            return Ok(unsafe { File::from_raw_fd(fd as i32) });
        }
        let err = io::Error::last_os_error();
        if !matches!(err.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) {
            return Err(err);
        }
        let real = self.root.join(relative).canonicalize()?;
        if !real.starts_with(&self.root) {
            return Err(io::ErrorKind::NotFound.into());
        }
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(real)
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
