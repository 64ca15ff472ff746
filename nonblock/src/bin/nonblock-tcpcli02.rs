//! `nonblock-tcpcli02` (`nonblock/tcpcli02.c` with `nonblock/strclinonb.c`,
//! Figures 16.3–16.5): the echo client with **nonblocking** I/O everywhere.
//!
//! stdin, stdout and the socket are all set `O_NONBLOCK`, and two buffers
//! sit between them: `to` (stdin to socket) and `fr` (socket to stdout),
//! each with an input and an output offset. `select` waits for whichever
//! transfer can move: stdin readable while `to` has room, the socket
//! readable while `fr` has room, the socket writable while `to` holds data,
//! stdout writable while `fr` does. No call ever blocks, so the client never
//! waits on one descriptor while another could move, and keeps the pipe to
//! the server full: the fastest of the book's `str_cli` versions (§16.2).
//! At end of stdin the FIN goes out only once `to` has drained
//! (`shutdown(SHUT_WR)`); end of file on the socket before that is
//! `str_cli: server terminated prematurely`.
//!
//! Run: `nonblock-tcpcli02 <IPaddress> [port]` (the book's port is 7, the
//! echo service; pass the port of `tcpserv04 [port]`). With `UNP_TRACE=1` in
//! the environment it writes the book's trace to stderr (`-DVOL2` in the C,
//! sample in `nonblock/script.1.sh`), one timestamped line per transfer:
//! `10:18:34.491482: read 4096 bytes from stdin`.
//!
//! Where the Rust differs:
//! - `O_NONBLOCK` is a flag of the *open file description*, which stdin and
//!   stdout share with every process that inherited them: at a terminal, the
//!   shell and the terminal itself. The C leaves them nonblocking when it
//!   exits, and the next program to read the terminal gets `EAGAIN`. Here
//!   the original flags are put back at exit, by an `atexit(3)` handler so
//!   that the error exits restore them too (a death by signal still cannot).
//! - The trace is switched on by `UNP_TRACE=1` rather than a compile flag,
//!   so the positional arguments stay the book's. Its writes ignore errors:
//!   stderr at a terminal is the same open file as stdout, nonblocking too.
//! - At end of file on the socket the C returns at once, and whatever the
//!   socket gave that stdout could not take yet (a full pipe) is lost; here
//!   it is written out first.
//! - A socket descriptor at or past `FD_SETSIZE` is refused with
//!   `select error: descriptor N >= FD_SETSIZE` instead of overflowing the
//!   `fd_set`.

use std::io::{self, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::select::{select, FdSet};
use nix::unistd::{read, write};
use socket2::{Domain, Socket, Type};
use unp::tcp::tcpcli_args;
use unp::time::gf_time;
use unp::{err_quit, err_sys, servaddr_v4, wrap, OrDie, MAXLINE};

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sock = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sock, &servaddr_v4(&addr, port));

    str_cli(&sock); // do it all
}

fn str_cli(sock: &Socket) {
    let trace = std::env::var_os("UNP_TRACE").is_some_and(|v| v == "1");
    let log = |what: std::fmt::Arguments| {
        if trace {
            let _ = writeln!(io::stderr(), "{}: {what}", gf_time());
        }
    };
    let (stdin_handle, stdout_handle) = (io::stdin(), io::stdout());
    let (stdin, stdout) = (stdin_handle.as_fd(), stdout_handle.as_fd());
    nonblock::fd_set_or_die(sock);
    set_nonblock(sock.as_fd());
    make_stdio_nonblocking();

    let (mut to, mut fr) = ([0u8; MAXLINE], [0u8; MAXLINE]);
    let (mut toiptr, mut tooptr) = (0, 0); // to[tooptr..toiptr]: for the socket
    let (mut friptr, mut froptr) = (0, 0); // fr[froptr..friptr]: for stdout
    let mut stdineof = false;

    loop {
        let (mut rset, mut wset) = (FdSet::new(), FdSet::new());
        if !stdineof && toiptr < MAXLINE {
            rset.insert(stdin); // read from stdin
        }
        if friptr < MAXLINE {
            rset.insert(sock.as_fd()); // read from socket
        }
        if tooptr != toiptr {
            wset.insert(sock.as_fd()); // data to write to socket
        }
        if froptr != friptr {
            wset.insert(stdout); // data to write to stdout
        }
        select(None, &mut rset, &mut wset, None, None).or_die("select error");

        if rset.contains(stdin) {
            match read(stdin, &mut to[toiptr..]) {
                Err(Errno::EWOULDBLOCK) => {}
                Err(err) => err_sys(&err.into(), "read error on stdin"),
                Ok(0) => {
                    log(format_args!("EOF on stdin"));
                    stdineof = true; // all done with stdin
                    if tooptr == toiptr {
                        wrap::shutdown(sock, Shutdown::Write); // send FIN
                    }
                }
                Ok(n) => {
                    log(format_args!("read {n} bytes from stdin"));
                    toiptr += n;
                    wset.insert(sock.as_fd()); // try and write to socket below
                }
            }
        }

        if rset.contains(sock.as_fd()) {
            match read(sock.as_fd(), &mut fr[friptr..]) {
                Err(Errno::EWOULDBLOCK) => {}
                Err(err) => err_sys(&err.into(), "read error on socket"),
                Ok(0) => {
                    log(format_args!("EOF on socket"));
                    if stdineof {
                        // Not in the figure, which returns at once: what
                        // stdout could not take yet would be lost.
                        drain_to_stdout(stdout, &fr[froptr..friptr]);
                        return; // normal termination
                    }
                    err_quit("str_cli: server terminated prematurely");
                }
                Ok(n) => {
                    log(format_args!("read {n} bytes from socket"));
                    friptr += n;
                    wset.insert(stdout); // try and write below
                }
            }
        }

        if wset.contains(stdout) && friptr > froptr {
            match write(stdout, &fr[froptr..friptr]) {
                Err(Errno::EWOULDBLOCK) => {}
                Err(err) => err_sys(&err.into(), "write error to stdout"),
                Ok(n) => {
                    log(format_args!("wrote {n} bytes to stdout"));
                    froptr += n;
                    if froptr == friptr {
                        (froptr, friptr) = (0, 0); // back to beginning of buffer
                    }
                }
            }
        }

        if wset.contains(sock.as_fd()) && toiptr > tooptr {
            match write(sock, &to[tooptr..toiptr]) {
                Err(Errno::EWOULDBLOCK) => {}
                Err(err) => err_sys(&err.into(), "write error to socket"),
                Ok(n) => {
                    log(format_args!("wrote {n} bytes to socket"));
                    tooptr += n;
                    if tooptr == toiptr {
                        (toiptr, tooptr) = (0, 0); // back to beginning of buffer
                        if stdineof {
                            wrap::shutdown(sock, Shutdown::Write); // send FIN
                        }
                    }
                }
            }
        }
    }
}

/// Write all of `rest` to the nonblocking `stdout`, waiting in `select`
/// whenever it is full. Dies with `write error to stdout`.
fn drain_to_stdout(stdout: BorrowedFd, mut rest: &[u8]) {
    while !rest.is_empty() {
        match write(stdout, rest) {
            Ok(n) => rest = &rest[n..],
            Err(Errno::EWOULDBLOCK) => {
                let mut wset = FdSet::new();
                wset.insert(stdout);
                select(None, None, &mut wset, None, None).or_die("select error");
            }
            Err(Errno::EINTR) => {}
            Err(err) => err_sys(&err.into(), "write error to stdout"),
        }
    }
}

/// Add `O_NONBLOCK` to `fd`'s file status flags
/// ([`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)) and
/// return the flags it had.
fn set_nonblock(fd: BorrowedFd) -> OFlag {
    let flags = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL).or_die("fcntl error"));
    fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK)).or_die("fcntl error");
    flags
}

/// The flags stdin and stdout had before [`make_stdio_nonblocking`], for
/// [`restore_stdio`]; -1 until saved.
static STDIN_FLAGS: AtomicI32 = AtomicI32::new(-1);
static STDOUT_FLAGS: AtomicI32 = AtomicI32::new(-1);

fn make_stdio_nonblocking() {
    let stdin_flags = set_nonblock(io::stdin().as_fd());
    STDIN_FLAGS.store(stdin_flags.bits(), Ordering::SeqCst);
    let stdout_flags = set_nonblock(io::stdout().as_fd());
    STDOUT_FLAGS.store(stdout_flags.bits(), Ordering::SeqCst);
    // SAFETY: restore_stdio is an extern "C" fn that takes no argument and
    // only reads atomics and calls fcntl; libc runs it once, from exit(3).
    if unsafe { libc::atexit(restore_stdio) } != 0 {
        err_quit("atexit error");
    }
}

/// Put back the file status flags of stdout, then stdin: the reverse order,
/// because when both are one open file (a terminal) stdout's saved flags
/// already include the `O_NONBLOCK` set on stdin.
extern "C" fn restore_stdio() {
    let stdout_flags = STDOUT_FLAGS.load(Ordering::SeqCst);
    let stdin_flags = STDIN_FLAGS.load(Ordering::SeqCst);
    for (fd, flags) in [
        (io::stdout().as_fd(), stdout_flags),
        (io::stdin().as_fd(), stdin_flags),
    ] {
        if flags >= 0 {
            let _ = fcntl(fd, FcntlArg::F_SETFL(OFlag::from_bits_retain(flags)));
        }
    }
}
