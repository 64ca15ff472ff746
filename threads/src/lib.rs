//! Chapter 26 (`threads/`): threads in place of `fork`.
//!
//! - The echo client with two threads (`strclithread.c`, Figure 26.2): one
//!   copies stdin to the socket, the other the socket to stdout
//!   (`threads-tcpcli01`, and `threads-tcpcli02` which notices a server
//!   that ends first).
//! - The thread-per-client echo servers (Figures 26.3 and 26.4): each
//!   connected socket is **moved** into its thread, the Rust form of the
//!   book's point that the descriptor must reach the thread by value, never
//!   through a variable the next `accept` overwrites. std's `spawn` is
//!   `pthread_create`; dropping the `JoinHandle` is `pthread_detach`.
//! - The web client with a thread per file (Figures 26.13–26.15 and
//!   26.19–26.20): `web01` waits with a join, which on Linux must name its
//!   thread (Solaris' `thr_join(0)` waited for any); `web02` polls a
//!   counter under a mutex; `web03` waits on a condition variable
//!   ([`std::sync::Condvar`], `pthread_cond_wait`) and joins the threads
//!   that are done. The helpers the three files repeat are here:
//!   [`home_page`], [`do_get_read`], [`write_get_cmd`].
//! - The counter (Figures 26.17 and 26.18): `example01` loses increments,
//!   `example02` does not, because a [`std::sync::Mutex`] guards it.
//!   `example03` is the producer and consumer over a 10-slot ring with one
//!   mutex and two condition variables.
//! - Thread-specific data (Figures 26.11 and 26.12): [`readline`] keeps its
//!   buffer per thread, and `test04g` reads one file in several threads
//!   with it.
//!
//! **`pthread_once` and keys in Rust.** The C's `readline` calls
//! `pthread_once(&rl_once, readline_once)` so that one
//! `pthread_key_create(&rl_key, readline_destructor)` runs however many
//! threads arrive first; then `pthread_getspecific` finds the thread's
//! buffer, and the first call in each thread `calloc`s it and stores it with
//! `pthread_setspecific`; the destructor frees it when the thread ends.
//! `thread_local!` is all four: the key is made once for the program (on
//! glibc the compiler uses the ELF TLS segment, so no key is even needed),
//! the value is built lazily on the thread's first use (the `calloc` and
//! `setspecific`), and its `Drop` runs at thread exit (the destructor).
//! [`std::sync::Once`] is `pthread_once` itself where a program needs it.
//!
//! Thread IDs are the `pthread_t` values (`pthread_self`, and
//! `JoinHandleExt::as_pthread_t` for the creator), printed in full: on glibc
//! a `pthread_t` is an address, which the C's `%d` cuts to 32 bits.
//!
//! Not ported (`threads/test01.c`, `test02.c`, `test03.c`, `test05.c` and
//! `test04b`): they probe one implementation's limits rather than teach a
//! call. test01 creates threads until `pthread_create` fails and then joins
//! a made-up ID, which crashes glibc; test02 shows a thread reading a
//! variable its creator changes (a data race, which safe Rust refuses to
//! compile); test03 expects `ETIME` where Linux gives `ETIMEDOUT`
//! ([`std::sync::Condvar::wait_timeout`] says "timed out" without errno);
//! test05 prints the numbers of the first keys, which depend on how many
//! the C library took first; test04b is test04 with the book's static
//! `readline` buffer, a data race in Rust too (the unit test of [`readline`]
//! shows what a shared buffer does, deterministically).

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, AsRawFd};

use nix::errno::Errno;
use unp::args::{arguments, Role};
use unp::{err_quit, tcp_connect, wrap, writen, OrDie, MAXLINE};

/// The most files a web client fetches (the C's static `file[MAXFILES]`).
pub const MAXFILES: usize = 20;

/// The web clients' port, the book's `SERV`.
pub const SERV: &str = "80";

/// The per-thread state of [`readline`], the C's `Rline`.
struct Rline {
    /// Bytes left in `buf` (the C's `rl_cnt`).
    cnt: usize,
    /// Where they start (the C's `rl_bufptr`).
    next: usize,
    buf: [u8; MAXLINE],
}

thread_local! {
    /// One `Rline` per thread: the key, `pthread_once`, the `calloc` on
    /// first use and the destructor of Figure 26.11, all in one.
    static RLINE: RefCell<Rline> = const {
        RefCell::new(Rline { cnt: 0, next: 0, buf: [0; MAXLINE] })
    };
}

/// One byte from `fd` through the thread's buffer, refilled with one
/// `read(2)` when empty (`EINTR` retried): the C's `my_read`. `None` at end
/// of file.
fn my_read(tsd: &mut Rline, fd: impl AsFd) -> io::Result<Option<u8>> {
    if tsd.cnt == 0 {
        loop {
            match nix::unistd::read(fd.as_fd(), &mut tsd.buf) {
                Ok(0) => return Ok(None),
                Ok(n) => {
                    (tsd.cnt, tsd.next) = (n, 0);
                    break;
                }
                Err(Errno::EINTR) => continue,
                Err(err) => return Err(err.into()),
            }
        }
    }
    tsd.cnt -= 1;
    tsd.next += 1;
    Ok(Some(tsd.buf[tsd.next - 1]))
}

/// The thread-safe `readline` of Figures 26.11–26.12: one line from `fd`
/// into `line` (cleared first), newline kept, at most `maxlen - 1` bytes;
/// the byte count, 0 at end of file.
///
/// Its buffer belongs to the calling thread, so threads reading different
/// descriptors never get each other's bytes, which the book's static buffer
/// gives them. It is still one buffer per thread, not per descriptor, as in
/// the C: a thread that switches descriptors in the middle of a line gets
/// the old one's rest ([`unp::LineReader`] is the per-descriptor fix).
pub fn readline(fd: impl AsFd, line: &mut Vec<u8>, maxlen: usize) -> io::Result<usize> {
    line.clear();
    RLINE.with_borrow_mut(|tsd| {
        while line.len() + 1 < maxlen {
            match my_read(tsd, fd.as_fd())? {
                Some(c) => {
                    line.push(c);
                    if c == b'\n' {
                        break;
                    }
                }
                None => break,
            }
        }
        Ok(line.len())
    })
}

/// The book's `Readline`: [`readline`], dying with `readline error`.
pub fn readline_or_die(fd: impl AsFd, line: &mut Vec<u8>, maxlen: usize) -> usize {
    readline(fd, line, maxlen).or_die("readline error")
}

/// The calling thread's ID as the C's `pthread_self()` gives it.
pub fn pthread_self() -> u64 {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    unsafe { libc::pthread_self() }
}

/// The web clients' command line, `<#conns> <IPaddr>[:port] <homepage>
/// file1 ...`: the most connections at once, the host, the service (80
/// unless the host carries a port, `host:port` or `[v6addr]:port`), the
/// home page and at most [`MAXFILES`] files (the rest are ignored, as in
/// the C). A `#conns` that is not a positive number is a usage error.
pub fn web_args(usage: &str) -> (usize, String, String, String, Vec<String>) {
    let args = arguments(usage, Role::Client);
    if args.len() < 4 {
        err_quit(usage);
    }
    let maxnconn = match args[0].parse() {
        Ok(n) if n > 0 => n,
        _ => err_quit(usage),
    };
    let (host, serv) = match args[1].rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.starts_with('[') => {
            (host.trim_matches(['[', ']']).to_string(), port.to_string())
        }
        _ => (args[1].clone(), SERV.to_string()),
    };
    let files = args[3..].iter().take(MAXFILES).cloned().collect();
    (maxnconn, host, serv, args[2].clone(), files)
}

/// The `GET` the web clients send, the book's `GET_CMD`: HTTP/1.0, no
/// headers.
fn get_cmd(fname: &str) -> String {
    format!("GET {fname} HTTP/1.0\r\n\r\n")
}

/// Fetch the home page with a blocking connect and print each read (the
/// book's `home_page`, Figure 16.16, repeated in each web client).
pub fn home_page(host: &str, serv: &str, fname: &str) {
    let fd = tcp_connect(host, serv); // blocking connect()
    writen(&fd, get_cmd(fname).as_bytes()).or_die("writen error");
    let mut line = [0u8; MAXLINE];
    loop {
        let n = wrap::read(&fd, &mut line);
        if n == 0 {
            break; // server closed connection
        }
        unp::outln!("read {n} bytes of home page");
    }
    unp::outln!("end-of-file on home page");
    wrap::close(fd);
}

/// Send the `GET` for `fname` and print `wrote N bytes for F` (the book's
/// `write_get_cmd`).
pub fn write_get_cmd(fd: impl AsFd, fname: &str) {
    let line = get_cmd(fname);
    writen(fd, line.as_bytes()).or_die("writen error");
    unp::outln!("wrote {} bytes for {fname}", line.len());
}

/// What each web client's thread does before it reports that it is done
/// (the book's `do_get_read`, Figure 26.14): connect, send the `GET`, print
/// each read up to the server's close.
pub fn do_get_read(host: &str, serv: &str, fname: &str) {
    let fd = tcp_connect(host, serv);
    unp::outln!(
        "do_get_read for {fname}, fd {}, thread {}",
        fd.as_raw_fd(),
        pthread_self()
    );
    write_get_cmd(&fd, fname); // write() the GET command

    let mut line = [0u8; MAXLINE];
    loop {
        let n = wrap::read(&fd, &mut line);
        if n == 0 {
            break; // server closed connection
        }
        unp::outln!("read {n} bytes from {fname}");
    }
    unp::outln!("end-of-file on {fname}");
    wrap::close(fd);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::sync::mpsc::channel;
    use std::thread;

    /// Two threads read two descriptors in turn: the first thread's buffer
    /// holds the rest of its descriptor when the second reads, and the
    /// second must still get its own line. With one buffer for all threads
    /// (the book's static `readline`), the second would get `a2`.
    #[test]
    fn each_thread_reads_its_own_descriptor() {
        let (mut a_tx, a_rx) = UnixStream::pair().unwrap();
        let (mut b_tx, b_rx) = UnixStream::pair().unwrap();
        a_tx.write_all(b"a1\na2\n").unwrap();
        b_tx.write_all(b"b1\nb2\n").unwrap();
        let (a_read, a_done) = channel();
        let (b_read, b_done) = channel();
        let a = thread::spawn(move || {
            let mut line = Vec::new();
            readline(&a_rx, &mut line, MAXLINE).unwrap();
            assert_eq!(line, b"a1\n");
            a_read.send(()).unwrap();
            b_done.recv().unwrap();
            readline(&a_rx, &mut line, MAXLINE).unwrap();
            line
        });
        a_done.recv().unwrap();
        let mut line = Vec::new();
        readline(&b_rx, &mut line, MAXLINE).unwrap();
        assert_eq!(line, b"b1\n");
        b_read.send(()).unwrap();
        assert_eq!(a.join().unwrap(), b"a2\n");
        readline(&b_rx, &mut line, MAXLINE).unwrap();
        assert_eq!(line, b"b2\n");
    }

    #[test]
    fn readline_stops_at_maxlen_and_at_eof() {
        let (mut tx, rx) = UnixStream::pair().unwrap();
        tx.write_all(b"abcdef\nxy").unwrap();
        drop(tx);
        let mut line = Vec::new();
        assert_eq!(readline(&rx, &mut line, 4).unwrap(), 3);
        assert_eq!(line, b"abc");
        assert_eq!(readline(&rx, &mut line, MAXLINE).unwrap(), 4);
        assert_eq!(readline(&rx, &mut line, MAXLINE).unwrap(), 2);
        assert_eq!(line, b"xy");
        assert_eq!(readline(&rx, &mut line, MAXLINE).unwrap(), 0);
    }
}
