//! What the tinyhttpd tests share: a document tree to serve (the crate's
//! `htdocs/` plus the files the attacks need), a server started on a free
//! port, and a small HTTP client that sends raw bytes and parses what comes
//! back.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use unp_tests::{bin, binary_data, connect, free_port, Proc};

/// A served tree: the crate's `htdocs/` and, beside them, `sub/` (a
/// directory with its own `index.html`, mode 755), `data.bin` (binary, no
/// final newline), symlinks out of the tree
/// (`passwd-link` to `/etc/passwd`, `etc-link` to `/etc`), and CGI programs
/// that misbehave: `hang.cgi` never ends, `flood.cgi` never stops printing,
/// `fds.cgi` lists its descriptors, `noexec.cgi` names an interpreter
/// that does not exist.
pub fn htdocs() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = scratch_dir().join(format!(
        "htdocs-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let crate_htdocs = Path::new(env!("CARGO_MANIFEST_DIR")).join("htdocs");
    for name in ["index.html", "color.cgi", "check.cgi"] {
        std::fs::copy(crate_htdocs.join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("sub/index.html"), SUB_INDEX).unwrap();
    std::fs::write(dir.join("data.bin"), binary_data(10_000)).unwrap();
    symlink("/etc/passwd", dir.join("passwd-link")).unwrap();
    symlink("/etc", dir.join("etc-link")).unwrap();
    let scripts = [
        ("hang.cgi", "#!/bin/sh\nexec sleep 1000\n"),
        (
            "flood.cgi",
            "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nexec yes\n",
        ),
        (
            "fds.cgi",
            "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nls -l /proc/$$/fd\n",
        ),
        ("noexec.cgi", "#!/nonexistent/interpreter\n"),
    ];
    for (name, text) in scripts {
        std::fs::write(dir.join(name), text).unwrap();
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// The `index.html` of `sub/`.
pub const SUB_INDEX: &str = "<html><title>sub</title></html>\n";

/// Where the tests write: cargo's `target/tmp`, or the system's temporary
/// directory when this user cannot write there (CI's run as nobody).
pub fn scratch_dir() -> PathBuf {
    let target_tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let probe = target_tmp.join(format!(".probe-{}", std::process::id()));
    match std::fs::create_dir_all(&probe) {
        Ok(()) => {
            let _ = std::fs::remove_dir(&probe);
            target_tmp
        }
        Err(_) => std::env::temp_dir(),
    }
}

/// Write `big.bin`, `len` bytes, into the tree at `root`.
pub fn add_big_file(root: &Path, len: usize) {
    std::fs::write(root.join("big.bin"), binary_data(len)).unwrap();
}

/// A server of the crate started on a free port, serving its own tree,
/// which goes when the server does.
pub struct Server {
    pub proc: Proc,
    pub port: u16,
    pub root: PathBuf,
}

impl Server {
    /// Start `name` on a free port over a fresh [`htdocs`], with `env`
    /// (`TINYHTTPD_TIMEOUT_MS`, ...) added, and wait until it listens.
    pub fn start(name: &str, env: &[(&str, &str)]) -> Server {
        let root = htdocs();
        let port = free_port();
        let mut cmd = Command::new(bin(name));
        cmd.arg(port.to_string()).env("TINYHTTPD_HTDOCS", &root);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let mut proc = Proc::spawn_cmd(&mut cmd);
        proc.wait_bound("tcp", port, "0A");
        Server { proc, port, root }
    }

    /// A connection to the server.
    pub fn connect(&self) -> TcpStream {
        connect(self.port)
    }

    /// Send `request` on a new connection and read the reply to the close.
    pub fn exchange(&self, request: &[u8]) -> Reply {
        let mut stream = self.connect();
        stream.write_all(request).expect("send the request");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read the reply");
        Reply::parse(&bytes).unwrap_or_else(|| panic!("no reply: {bytes:?}"))
    }

    /// `GET path` over HTTP/1.0: the reply to the close.
    pub fn get(&self, path: &str) -> Reply {
        self.exchange(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A parsed response.
#[derive(Debug)]
pub struct Reply {
    /// `HTTP/1.0 200 OK`.
    pub status_line: String,
    /// Each header as `Name: value`, as sent.
    pub headers: Vec<String>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A response that ended at the close: status line, headers up to the
    /// blank line, then everything else as the body.
    pub fn parse(bytes: &[u8]) -> Option<Reply> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).ok()?;
        let mut lines = head.split("\r\n");
        Some(Reply {
            status_line: lines.next()?.to_owned(),
            headers: lines.map(str::to_owned).collect(),
            body: bytes[end + 4..].to_vec(),
        })
    }

    /// One response read from a kept-alive connection: the head, then as
    /// many bytes as its `Content-Length` says (none for a HEAD).
    pub fn read(stream: &mut TcpStream, head_only: bool) -> io::Result<Reply> {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            bytes.push(byte[0]);
        }
        let mut reply = Reply::parse(&bytes).unwrap();
        let length: usize = reply
            .header("Content-Length")
            .expect("Content-Length")
            .parse()
            .unwrap();
        if !head_only {
            reply.body = vec![0; length];
            stream.read_exact(&mut reply.body)?;
        }
        Ok(reply)
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
