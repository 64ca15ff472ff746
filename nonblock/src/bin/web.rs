//! `web` (`nonblock/web.c`, `home_page.c`, `start_connect.c`,
//! `write_get_cmd.c`, `web.h`, Figures 16.15–16.20): a web client that
//! fetches several files **at once** over nonblocking connects, the way a
//! browser fetches a page's images.
//!
//! It first fetches the home page with an ordinary blocking connect
//! (`home_page`). Then it keeps up to `#conns` connections going at a time:
//! `start_connect` makes a nonblocking socket and starts a connect, which
//! returns `EINPROGRESS`; one `select` watches every socket, connecting ones
//! for reading and writing, the others for reading. A connecting socket that
//! turns ready has finished its handshake: `SO_ERROR` says how, and
//! `write_get_cmd` sends its `GET`. A reading socket that turns ready has
//! part of the reply, or its end. Each file goes through the book's states
//! `F_CONNECTING`, `F_READING`, `F_DONE` ([`State`]) and every step prints
//! the book's progress line: `start_connect for F, fd N`,
//! `connection established for F`, `wrote N bytes for F`,
//! `read N bytes from F`, `end-of-file on F`.
//!
//! Run: `web <#conns> <hostname>[:port] <homepage> <file1> ...`, e.g.
//! `web 3 localhost:8000 / /a.gif /b.gif /c.gif` against
//! `python3 -m http.server 8000`. The port is 80, as in the book, unless the
//! hostname carries one the way a URL does (`host:port`, `[v6addr]:port`): the
//! files are a variable list, so the project's trailing port argument cannot
//! apply, and `host:port` is what the `Host` header carries anyway.
//!
//! Where the Rust differs:
//! - The request is `GET F HTTP/1.0` plus a `Host` header, without which a
//!   web server of today answers 400 or redirects; the C sends no header.
//! - A failed nonblocking connect prints
//!   `nonblocking connect failed for F: <strerror of SO_ERROR>` and ends that
//!   file; the C prints whatever `errno` held, then writes the `GET` to the
//!   dead socket anyway.
//! - `#conns` must be a positive number (the C's `atoi` makes junk 0, and
//!   then waits in `select` for ever); the C fetches at most 20 files (a
//!   static array), this fetches all that are named; a socket descriptor at
//!   or past `FD_SETSIZE` is refused instead of overflowing the `fd_set`.

use std::net::Ipv6Addr;
use std::os::fd::{AsFd, AsRawFd};

use nix::sys::select::{select, FdSet};
use socket2::Socket;
use unp::{err_quit, err_ret, err_sys, host_serv, tcp_connect, wrap, writen, OrDie, MAXLINE};

const USAGE: &str = "usage: web <#conns> <hostname>[:port] <homepage> <file1> ...";

/// Where a file is, the C's `f_flags`.
enum State {
    /// Not started yet (`f_flags == 0`).
    Waiting,
    /// `connect` in progress (`F_CONNECTING`).
    Connecting(Socket),
    /// Connected and `GET` sent; now reading (`F_READING`).
    Reading(Socket),
    /// All done (`F_DONE`).
    Done,
}

struct File {
    name: String,
    state: State,
}

/// The server: what to look up, and what the `Host` header says.
struct Server {
    host: String,
    serv: String,
    authority: String,
}

fn main() {
    let args = unp::args::arguments(USAGE, unp::args::Role::Client);
    if args.len() < 4 {
        err_quit(USAGE);
    }
    let maxnconn: usize = match args[0].parse() {
        Ok(n) if n > 0 => n,
        _ => err_quit(USAGE),
    };
    let server = parse_server(&args[1]);
    let mut files: Vec<File> = args[3..]
        .iter()
        .map(|name| File {
            name: name.clone(),
            state: State::Waiting,
        })
        .collect();
    unp::outln!("nfiles = {}", files.len());

    home_page(&server, &args[2]);

    let (mut nlefttoread, mut nlefttoconn, mut nconn) = (files.len(), files.len(), 0);
    while nlefttoread > 0 {
        while nconn < maxnconn && nlefttoconn > 0 {
            // find a file to read
            let Some(file) = files.iter_mut().find(|f| matches!(f.state, State::Waiting)) else {
                err_quit(format!("nlefttoconn = {nlefttoconn} but nothing found"));
            };
            start_connect(file, &server);
            nconn += 1;
            nlefttoconn -= 1;
        }

        let ready = wait_ready(&files);

        let mut buf = [0u8; MAXLINE];
        for (file, (readable, writable)) in files.iter_mut().zip(ready) {
            match std::mem::replace(&mut file.state, State::Done) {
                State::Connecting(sock) if readable || writable => {
                    match sock.take_error() {
                        Ok(None) => {
                            // connection established
                            unp::outln!("connection established for {}", file.name);
                            write_get_cmd(file, sock, &server); // write() the GET command
                        }
                        Ok(Some(err)) | Err(err) => {
                            err_ret(
                                &err,
                                format!("nonblocking connect failed for {}", file.name),
                            );
                            nconn -= 1;
                            nlefttoread -= 1;
                        }
                    }
                }
                State::Reading(sock) if readable => match wrap::read(&sock, &mut buf) {
                    0 => {
                        unp::outln!("end-of-file on {}", file.name);
                        wrap::close(sock); // state stays Done
                        nconn -= 1;
                        nlefttoread -= 1;
                    }
                    n => {
                        unp::outln!("read {n} bytes from {}", file.name);
                        file.state = State::Reading(sock);
                    }
                },
                state => file.state = state,
            }
        }
    }
}

/// `select` on every socket still connecting (for reading and writing) or
/// reading (for reading); returns each file's (readable, writable).
fn wait_ready(files: &[File]) -> Vec<(bool, bool)> {
    let (mut rs, mut ws) = (FdSet::new(), FdSet::new());
    for file in files {
        match &file.state {
            State::Connecting(sock) => {
                rs.insert(sock.as_fd());
                ws.insert(sock.as_fd());
            }
            State::Reading(sock) => rs.insert(sock.as_fd()),
            State::Waiting | State::Done => {}
        }
    }
    select(None, &mut rs, &mut ws, None, None).or_die("select error");
    files
        .iter()
        .map(|file| match &file.state {
            State::Connecting(sock) | State::Reading(sock) => {
                (rs.contains(sock.as_fd()), ws.contains(sock.as_fd()))
            }
            State::Waiting | State::Done => (false, false),
        })
        .collect()
}

/// Split `host[:port]` as a URL's authority: `name:port`, `[v6addr]:port`, or
/// no port (a bare IPv6 address has several colons and no port).
fn parse_server(arg: &str) -> Server {
    let (host, port) = if let Some(rest) = arg.strip_prefix('[') {
        match rest.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, port)) => match port.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => err_quit(USAGE),
            },
            None => err_quit(USAGE),
        }
    } else {
        match arg.split_once(':') {
            Some((host, port)) if !port.contains(':') => (host, Some(port)),
            _ => (arg, None),
        }
    };
    if host.is_empty() || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        err_quit(USAGE);
    }
    let bracketed = match host.parse::<Ipv6Addr>() {
        Ok(_) => format!("[{host}]"),
        Err(_) => host.to_owned(),
    };
    Server {
        host: host.to_owned(),
        serv: port.unwrap_or("80").to_owned(),
        authority: match port {
            Some(port) => format!("{bracketed}:{port}"),
            None => bracketed,
        },
    }
}

/// The request for `name`: the book's `GET_CMD` plus a `Host` header.
fn get_cmd(name: &str, server: &Server) -> String {
    format!("GET {name} HTTP/1.0\r\nHost: {}\r\n\r\n", server.authority)
}

/// Fetch the home page with a blocking connect (`home_page.c`).
fn home_page(server: &Server, fname: &str) {
    let sock = tcp_connect(&server.host, &server.serv); // blocking connect()
    writen(&sock, get_cmd(fname, server).as_bytes()).or_die("writen error");
    let mut line = [0u8; MAXLINE];
    loop {
        match wrap::read(&sock, &mut line) {
            0 => break, // server closed connection
            n => unp::outln!("read {n} bytes of home page"),
        }
    }
    unp::outln!("end-of-file on home page");
    wrap::close(sock);
}

/// Start a nonblocking connect for `file` (`start_connect.c`).
fn start_connect(file: &mut File, server: &Server) {
    let addrs = host_serv(Some(&server.host), Some(&server.serv), 0, libc::SOCK_STREAM)
        .unwrap_or_else(|e| {
            err_quit(format!(
                "host_serv error for {}, {}: {e}",
                server.host, server.serv
            ))
        });
    let Some(ai) = addrs.first() else {
        err_quit(format!(
            "host_serv error for {}, {}",
            server.host, server.serv
        ));
    };
    let sock = Socket::new(ai.domain, ai.ty, Some(ai.protocol)).or_die("socket error");
    nonblock::fd_set_or_die(&sock);
    unp::outln!("start_connect for {}, fd {}", file.name, sock.as_raw_fd());

    // Set socket nonblocking: fcntl(F_GETFL), then F_SETFL with O_NONBLOCK.
    sock.set_nonblocking(true).or_die("fcntl error");

    // Initiate nonblocking connect to the server.
    match sock.connect(&ai.addr) {
        Ok(()) => write_get_cmd(file, sock, server), // connect is already done
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {
            file.state = State::Connecting(sock); // select for reading and writing
        }
        Err(err) => err_sys(&err, "nonblocking connect error"),
    }
}

/// Send the `GET` for `file` and start reading (`write_get_cmd.c`).
fn write_get_cmd(file: &mut File, sock: Socket, server: &Server) {
    let line = get_cmd(&file.name, server);
    writen(&sock, line.as_bytes()).or_die("writen error");
    unp::outln!("wrote {} bytes for {}", line.len(), file.name);
    file.state = State::Reading(sock); // will read server's reply
}
