//! Appendix C, `sock/` (`main.c`, `cliopen.c`, `servopen.c`, `looptcp.c`,
//! `loopudp.c`, `sourcetcp.c`, `sourceudp.c`, `sinktcp.c`, `sinkudp.c`,
//! `buffers.c`, `sockopts.c`, `pattern.c`, `crlf.c`): Stevens' `sock`, the
//! general-purpose socket test tool of *TCP/IP Illustrated* and of this
//! book.
//!
//! Four modes: a client (default) or a server (`-s`), each either copying
//! stdin to the socket and the socket to stdout, or (`-i`) a "source"
//! client that writes `-n` buffers of `-w` bytes and a "sink" server that
//! reads until the end; over TCP or (`-u`) UDP. Options set the socket
//! options a chapter is about, so that a reader can watch them work.
//!
//! Run: `sock [ options ] <host> <port>` (client), `sock [ options ] -s [
//! <IPaddr> ] <port>` (server), `sock [ options ] -i <host> <port>`
//! (source), `sock [ options ] -i -s [ <IPaddr> ] <port>` (sink). E.g.
//! `sock -s 5555` in one shell and `sock -v 127.0.0.1 5555` in another.
//!
//! Options ported: `-b n` bind the client's port; `-c` newline to CR/LF and
//! back; `-h` half-close at end of input (`shutdown(SHUT_WR)`), then read
//! to the end; `-i` source/sink; `-l a.b.c.d.p` local address and port;
//! `-n n` buffers to write (1024); `-o` UDP client without `connect`; `-p n`
//! milliseconds between writes; `-q n` listen backlog (5); `-r n` read size
//! (1024); `-s` server; `-u` UDP; `-v` verbose (on stderr); `-w n` write size
//! (1024); `-A` `SO_REUSEADDR`; `-B` `SO_BROADCAST`; `-D` `SO_DEBUG`; `-F`
//! fork per connection; `-H n` `IP_TOS`; `-J n` `IP_TTL`; `-K`
//! `SO_KEEPALIVE`; `-L n` `SO_LINGER` (seconds); `-N` `TCP_NODELAY`; `-R n`
//! `SO_RCVBUF`; `-S n` `SO_SNDBUF`; `-T` `SO_REUSEPORT`; `-X n`
//! `TCP_MAXSEG`; `-Y` `SO_DONTROUTE`.
//!
//! Differs from the C:
//! - Not ported, refused with `option -X not supported here`: the
//!   multicast, source-route and exotic options (`-2 -f -g -G -j -k -t -x
//!   -y -C -E -I -O -P -Q -U -V -W -Z`); `-E` (`IP_RECVDSTADDR`) has no Linux
//!   form at all (the C prints a warning).
//! - `-R` and `-S`: Linux doubles the size asked for, so the C's check
//!   (`rcvbuflen = N, SO_RCVBUF = 2N`, then exit) always failed here; this
//!   one prints what the kernel keeps (`SO_RCVBUF = 2N` with `-v`).
//! - The port is a number or a service name (`getaddrinfo`); the host a
//!   name or an IPv4 address (the tool is IPv4, as the C).
//! - A one-line usage; a UDP server sends stdin to the last peer it heard
//!   from, and runs until killed.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsFd;
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Socket, Type};
use unp::args::{arguments, Role};
use unp::{err_quit, err_sys, host_serv, wrap, writen, OrDie};

const USAGE: &str = "usage: sock [ options ] <host> <port>, or -s [ <IPaddr> ] <port> (server), -i (source or sink)";

/// The C's option globals.
#[derive(Default)]
struct Opts {
    server: bool,
    udp: bool,
    sourcesink: bool,
    verbose: bool,
    crlf: bool,
    halfclose: bool,
    noconnect: bool,
    dofork: bool,
    bindport: u16,
    localip: Option<Ipv4Addr>,
    nbuf: usize,
    readlen: usize,
    writelen: usize,
    pauserw: u64,
    listenq: i32,
    reuseaddr: bool,
    reuseport: bool,
    broadcast: bool,
    debug: bool,
    keepalive: bool,
    nodelay: bool,
    dontroute: bool,
    linger: Option<u64>,
    rcvbuflen: usize,
    sndbuflen: usize,
    iptos: Option<u32>,
    ipttl: Option<u32>,
    maxseg: Option<u32>,
}

fn main() {
    let args = arguments(USAGE, Role::Client);
    if args.is_empty() {
        err_quit(USAGE);
    }
    let mut o = Opts {
        nbuf: 1024,
        readlen: 1024,
        writelen: 1024,
        listenq: 5,
        ..Opts::default()
    };
    let mut it = args.into_iter();
    let mut operands = Vec::new();
    while let Some(arg) = it.next() {
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            operands.push(arg);
            continue;
        };
        for (i, c) in letters.char_indices() {
            let value = |it: &mut std::vec::IntoIter<String>| -> String {
                let rest = &letters[i + c.len_utf8()..];
                match rest.is_empty() {
                    true => it.next().unwrap_or_else(|| err_quit(USAGE)),
                    false => rest.to_string(),
                }
            };
            let number = |text: String| -> u64 {
                text.parse()
                    .unwrap_or_else(|_| err_quit(format!("invalid -{c} value: {text}")))
            };
            let takes_value = "blnpqrwHJLRSX".contains(c);
            match c {
                'b' => {
                    o.bindport = number(value(&mut it))
                        .try_into()
                        .unwrap_or_else(|_| err_quit("invalid -b value"))
                }
                'c' => o.crlf = true,
                'h' => o.halfclose = true,
                'i' => o.sourcesink = true,
                'l' => {
                    let text = value(&mut it);
                    let Some((ip, port)) = text.rsplit_once('.') else {
                        err_quit("invalid -l option")
                    };
                    o.localip = Some(
                        ip.parse()
                            .unwrap_or_else(|_| err_quit(format!("invalid IP address: {ip}"))),
                    );
                    o.bindport = port
                        .parse()
                        .unwrap_or_else(|_| err_quit("invalid -l option"));
                }
                'n' => o.nbuf = number(value(&mut it)) as usize,
                'o' => o.noconnect = true,
                'p' => o.pauserw = number(value(&mut it)),
                'q' => o.listenq = number(value(&mut it)).min(i32::MAX as u64) as i32,
                'r' => o.readlen = number(value(&mut it)).clamp(1, 1 << 20) as usize,
                's' => o.server = true,
                'u' => o.udp = true,
                'v' => o.verbose = true,
                'w' => o.writelen = number(value(&mut it)).clamp(1, 1 << 20) as usize,
                'A' => o.reuseaddr = true,
                'B' => o.broadcast = true,
                'D' => o.debug = true,
                'F' => o.dofork = true,
                'H' => o.iptos = Some(number(value(&mut it)) as u32),
                'J' => o.ipttl = Some(number(value(&mut it)) as u32),
                'K' => o.keepalive = true,
                'L' => o.linger = Some(number(value(&mut it))),
                'N' => o.nodelay = true,
                'R' => o.rcvbuflen = number(value(&mut it)) as usize,
                'S' => o.sndbuflen = number(value(&mut it)) as usize,
                'T' => o.reuseport = true,
                'X' => o.maxseg = Some(number(value(&mut it)) as u32),
                'Y' => o.dontroute = true,
                c if "2fgGjktxyCEIOPQUVWZ".contains(c) => {
                    err_quit(format!("option -{c} not supported here"))
                }
                _ => err_quit("unrecognized option"),
            }
            if takes_value {
                break; // the rest of this argument was the value
            }
        }
    }
    if o.udp && (o.halfclose || o.debug || o.linger.is_some() || o.nodelay) {
        err_quit("can't specify -h, -D, -L or -N with -u");
    }

    let fd = match (o.server, operands.as_slice()) {
        (false, [host, port]) => cliopen(&o, host, port),
        (true, [port]) => servopen(&o, None, port),
        (true, [host, port]) => servopen(&o, Some(host), port),
        (false, _) => err_quit("missing <hostname> and/or <port>"),
        (true, _) => err_quit("missing <port>"),
    };
    match (o.sourcesink, o.server, o.udp) {
        (true, false, _) => source(&o, &fd),
        (true, true, _) => sink(&o, &fd),
        (false, _, false) => loop_tcp(&o, &fd),
        (false, _, true) => loop_udp(&o, &fd),
    }
}

/// The destination or local address: `host` (a name or an IPv4 address)
/// and `port` (a number or a service).
fn address(host: Option<&str>, port: &str, udp: bool) -> SocketAddrV4 {
    let socktype = if udp {
        libc::SOCK_DGRAM
    } else {
        libc::SOCK_STREAM
    };
    let shown = host.unwrap_or("0.0.0.0");
    host_serv(Some(shown), Some(port), libc::AF_INET, socktype)
        .unwrap_or_else(|e| err_quit(format!("invalid hostname or port: {shown} {port}: {e}")))
        .iter()
        .find_map(|ai| ai.addr.as_socket_ipv4())
        .unwrap_or_else(|| err_quit(format!("invalid hostname: {shown}")))
}

fn new_socket(o: &Opts) -> Socket {
    let ty = if o.udp { Type::DGRAM } else { Type::STREAM };
    let fd = Socket::new(Domain::IPV4, ty, None).or_die("socket() error");
    if o.reuseaddr {
        fd.set_reuse_address(true)
            .or_die("setsockopt of SO_REUSEADDR error");
    }
    if o.reuseport {
        fd.set_reuse_port(true)
            .or_die("setsockopt of SO_REUSEPORT error");
    }
    fd
}

/// `cliopen`: socket, options, optional bind, connect.
fn cliopen(o: &Opts, host: &str, port: &str) -> Socket {
    let servaddr = address(Some(host), port, o.udp);
    let fd = new_socket(o);
    if o.bindport != 0 || o.localip.is_some() || o.udp {
        let cliaddr = SocketAddrV4::new(o.localip.unwrap_or(Ipv4Addr::UNSPECIFIED), o.bindport);
        fd.bind(&cliaddr.into()).or_die("bind() error");
    }
    buffers(o, &fd);
    sockopts(o, &fd, false);
    if !o.udp || !o.noconnect {
        fd.connect(&servaddr.into()).or_die("connect() error");
    } else {
        UDP_PEER.with(|peer| *peer.borrow_mut() = Some(servaddr.into()));
    }
    if o.verbose {
        let local = fd.local_addr().ok().and_then(|a| a.as_socket_ipv4());
        if let Some(local) = local {
            eprint!("connected on {}.{} ", local.ip(), local.port());
        }
        eprintln!("to {}.{}", servaddr.ip(), servaddr.port());
    }
    sockopts(o, &fd, true);
    fd
}

thread_local! {
    /// Where a UDP socket that is not connected sends: the server for `-o`,
    /// the last peer heard from for a UDP server.
    static UDP_PEER: std::cell::RefCell<Option<SockAddr>> = const { std::cell::RefCell::new(None) };
}

/// `servopen`: bind the well-known port; TCP: listen, accept (and with
/// `-F` fork for each connection, the parent going back to accept).
fn servopen(o: &Opts, host: Option<&String>, port: &str) -> Socket {
    let servaddr = address(host.map(String::as_str), port, o.udp);
    let fd = new_socket(o);
    fd.bind(&servaddr.into()).or_die("can't bind local address");
    buffers(o, &fd);
    if o.udp {
        sockopts(o, &fd, true);
        return fd;
    }
    sockopts(o, &fd, false);
    wrap::listen(&fd, o.listenq);
    if o.dofork {
        unp::signal::signal(Signal::SIGCHLD, SigHandler::SigIgn); // no zombies
    }
    loop {
        let (newfd, cliaddr) = match fd.accept() {
            Ok(accepted) => accepted,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue,
            Err(err) => err_sys(&err, "accept() error"),
        };
        if o.dofork {
            // SAFETY: the program never starts a thread.
            if let ForkResult::Parent { .. } = unsafe { wrap::fork() } {
                drop(newfd); // the parent closes the connected socket
                continue;
            }
            drop(fd); // the child closes the listening socket
        }
        if o.verbose {
            let local = newfd.local_addr().ok().and_then(|a| a.as_socket_ipv4());
            let peer = cliaddr.as_socket_ipv4();
            if let (Some(local), Some(peer)) = (local, peer) {
                eprintln!(
                    "connection on {}.{} from {}.{}",
                    local.ip(),
                    local.port(),
                    peer.ip(),
                    peer.port()
                );
            }
        }
        buffers(o, &newfd);
        sockopts(o, &newfd, true);
        return newfd;
    }
}

/// `buffers`: `SO_RCVBUF` and `SO_SNDBUF`, before `connect` or `listen` so
/// that TCP's window follows.
fn buffers(o: &Opts, fd: &Socket) {
    if o.rcvbuflen != 0 {
        fd.set_recv_buffer_size(o.rcvbuflen)
            .or_die("SO_RCVBUF setsockopt error");
        let n = fd.recv_buffer_size().or_die("SO_RCVBUF getsockopt error");
        if o.verbose {
            eprintln!("SO_RCVBUF = {n}");
        }
    }
    if o.sndbuflen != 0 {
        fd.set_send_buffer_size(o.sndbuflen)
            .or_die("SO_SNDBUF setsockopt error");
        let n = fd.send_buffer_size().or_die("SO_SNDBUF getsockopt error");
        if o.verbose {
            eprintln!("SO_SNDBUF = {n}");
        }
    }
}

/// `sockopts`: the options of the command line, each checked with
/// `getsockopt`; `connected` for the ones that need a connection (the C's
/// second call), where `TCP_MAXSEG` is read back.
fn sockopts(o: &Opts, fd: &Socket, connected: bool) {
    let check = |name: &str, set: io::Result<()>, got: io::Result<bool>| {
        set.or_die(format!("{name} setsockopt error"));
        if !got.or_die(format!("{name} getsockopt error")) {
            err_quit(format!("{name} not set"));
        }
        if o.verbose {
            eprintln!("{name} set");
        }
    };
    if connected {
        if !o.udp && o.verbose {
            let mss = fd.tcp_mss().or_die("TCP_MAXSEG getsockopt error");
            eprintln!("TCP_MAXSEG = {mss}");
        }
        return;
    }
    if o.debug {
        let on = unp::raw::setsockopt(fd, libc::SOL_SOCKET, libc::SO_DEBUG, &1i32.to_ne_bytes());
        check("SO_DEBUG", on, Ok(true));
    }
    if o.dontroute {
        let on = unp::raw::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_DONTROUTE,
            &1i32.to_ne_bytes(),
        );
        check("SO_DONTROUTE", on, Ok(true));
    }
    if let Some(tos) = o.iptos {
        fd.set_tos_v4(tos).or_die("IP_TOS setsockopt error");
        if o.verbose {
            eprintln!(
                "IP_TOS set to {}",
                fd.tos_v4().or_die("IP_TOS getsockopt error")
            );
        }
    }
    if let Some(ttl) = o.ipttl {
        fd.set_ttl_v4(ttl).or_die("IP_TTL setsockopt error");
        if o.verbose {
            eprintln!(
                "IP_TTL set to {}",
                fd.ttl_v4().or_die("IP_TTL getsockopt error")
            );
        }
    }
    if let Some(mss) = o.maxseg {
        fd.set_tcp_mss(mss).or_die("TCP_MAXSEG setsockopt error");
    }
    if o.broadcast {
        check("SO_BROADCAST", fd.set_broadcast(true), fd.broadcast());
    }
    if o.keepalive {
        check("SO_KEEPALIVE", fd.set_keepalive(true), fd.keepalive());
    }
    if o.nodelay {
        check("TCP_NODELAY", fd.set_tcp_nodelay(true), fd.tcp_nodelay());
    }
    if let Some(secs) = o.linger {
        let linger = Some(Duration::from_secs(secs));
        fd.set_linger(linger).or_die("SO_LINGER setsockopt error");
        if o.verbose {
            eprintln!("SO_LINGER set to {secs}");
        }
    }
}

/// `loop_tcp`: stdin to the socket, the socket to stdout, until either
/// ends (with `-h`, the end of stdin is a half-close and the loop reads on).
fn loop_tcp(o: &Opts, fd: &Socket) {
    let mut rbuf = vec![0u8; o.readlen];
    let mut stdin_open = true;
    let stdin = io::stdin();
    loop {
        let (stdin_ready, sock_ready) = wait_readable(stdin_open.then(|| stdin.as_fd()), fd);
        if stdin_ready {
            let n = nix::unistd::read(stdin.as_fd(), &mut rbuf).or_die("read error from stdin");
            if n == 0 {
                if o.halfclose {
                    fd.shutdown(std::net::Shutdown::Write)
                        .or_die("shutdown() error");
                    stdin_open = false;
                    continue;
                }
                break; // stdin's end: done
            }
            writen(fd, &crlf_add(o, &rbuf[..n])).or_die("write error");
            pause(o);
        }
        if sock_ready {
            let n = (&*fd).read(&mut rbuf).or_die("recv error");
            if n == 0 {
                if o.verbose {
                    eprintln!("connection closed by peer");
                }
                break;
            }
            writen(io::stdout(), &crlf_strip(o, &rbuf[..n])).or_die("writen error to stdout");
        }
    }
}

/// `loop_udp`: each read of stdin is a datagram; each datagram is written
/// to stdout.
fn loop_udp(o: &Opts, fd: &Socket) {
    let mut rbuf = vec![0u8; o.readlen];
    let stdin = io::stdin();
    let mut stdin_open = true;
    loop {
        let (stdin_ready, sock_ready) = wait_readable(stdin_open.then(|| stdin.as_fd()), fd);
        if stdin_ready {
            let n = nix::unistd::read(stdin.as_fd(), &mut rbuf).or_die("read error from stdin");
            if n == 0 {
                if !o.server {
                    break; // the client is done at the end of its input
                }
                stdin_open = false;
                continue;
            }
            let data = crlf_add(o, &rbuf[..n]);
            match UDP_PEER.with(|p| p.borrow().clone()) {
                Some(peer) if o.server || o.noconnect => {
                    fd.send_to(&data, &peer).or_die("sendto error");
                }
                None if o.server => {} // nobody to send to yet
                _ => {
                    fd.send(&data).or_die("write error");
                }
            }
        }
        if sock_ready {
            let (n, from) = unp::udp::recvfrom(fd, &mut rbuf).or_die("datagram receive error");
            if o.server {
                UDP_PEER.with(|p| *p.borrow_mut() = Some(from));
            }
            writen(io::stdout(), &crlf_strip(o, &rbuf[..n])).or_die("writen error to stdout");
        }
    }
}

/// `source_tcp` and `source_udp`: `-n` writes (datagrams) of `-w` bytes
/// of the pattern.
fn source(o: &Opts, fd: &Socket) {
    let wbuf = pattern(o.writelen);
    for _ in 0..o.nbuf {
        let n = (&*fd)
            .write(&wbuf)
            .unwrap_or_else(|e| err_sys(&e, format!("write returned -1, expected {}", o.writelen)));
        if n != o.writelen {
            err_quit(format!("write returned {n}, expected {}", o.writelen));
        }
        if o.verbose {
            eprintln!("wrote {n} bytes");
        }
        pause(o);
    }
}

/// `sink_tcp` and `sink_udp`: read until the peer closes (TCP) or for ever
/// (UDP).
fn sink(o: &Opts, fd: &Socket) {
    let mut rbuf = vec![0u8; o.readlen];
    loop {
        let n = (&*fd).read(&mut rbuf).or_die("recv error");
        if n == 0 && !o.udp {
            if o.verbose {
                eprintln!("connection closed by peer");
            }
            break;
        }
        if o.verbose {
            eprintln!("received {n} bytes");
        }
        pause(o);
    }
}

/// `-p`: a pause between reads or writes.
fn pause(o: &Opts) {
    if o.pauserw > 0 {
        std::thread::sleep(Duration::from_millis(o.pauserw));
    }
}

/// `pattern`: the bytes the source writes, printable ASCII from `!`
/// upwards, round again.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'!' + (i % 94) as u8).collect()
}

/// `crlf_add`: with `-c`, each newline becomes CR LF.
fn crlf_add(o: &Opts, data: &[u8]) -> Vec<u8> {
    match o.crlf {
        false => data.to_vec(),
        true => data
            .iter()
            .flat_map(|&b| {
                if b == b'\n' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect(),
    }
}

/// `crlf_strip`: with `-c`, each CR LF becomes a newline.
fn crlf_strip(o: &Opts, data: &[u8]) -> Vec<u8> {
    match o.crlf {
        false => data.to_vec(),
        true => data.iter().copied().filter(|&b| b != b'\r').collect(),
    }
}

/// Wait until stdin (when still open) or the socket is readable.
fn wait_readable(stdin: Option<std::os::fd::BorrowedFd>, fd: &Socket) -> (bool, bool) {
    let mut fds = vec![PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    if let Some(stdin) = stdin {
        fds.push(PollFd::new(stdin, PollFlags::POLLIN));
    }
    loop {
        match poll(&mut fds, PollTimeout::NONE) {
            Err(nix::errno::Errno::EINTR) => continue,
            Err(err) => err_sys(&err.into(), "select error"),
            Ok(_) => break,
        }
    }
    let ready = |pfd: &PollFd| pfd.revents().is_some_and(|r| !r.is_empty());
    (fds.get(1).is_some_and(ready), ready(&fds[0]))
}
