//! The heartbeat functions over urgent data (Figures 24.14–24.16,
//! `oob/heartbeatcli.c` and `oob/heartbeatserv.c`).
//!
//! Every `nsec` seconds `SIGALRM` makes the client send one urgent byte
//! and count it; the server's `SIGURG` handler reads it and sends it back
//! urgent, and the client's `SIGURG` handler resets the count. More than
//! `maxnprobes` probes without an answer: `server is unreachable`. On the
//! server, every `nsec` seconds without a probe counts; more than
//! `maxnalarms`: `no probes from client`. Urgent data goes past whatever
//! normal data is queued, so a busy connection still carries the probes.
//!
//! As in the C, all of this runs in signal handlers, so the state is in
//! statics (atomics here) and the handlers call only async-signal-safe
//! functions: `recv`, `send`, `alarm`, `write` and `_exit` (the C's
//! `printf`, `fprintf` and `exit` are not). `SIGALRM` is installed without
//! `SA_RESTART` (see [`unp::signal::signal`]), so it interrupts the
//! program's blocking calls: they must retry `EINTR`.

use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use nix::errno::Errno;
use nix::sys::signal::{SigHandler, Signal};
use nix::sys::socket::{recv, send, MsgFlags};
use unp::signal::{signal, write_in_handler};

use crate::{set_owner, strerror_in_handler};

static SERVFD: AtomicI32 = AtomicI32::new(-1);
/// Seconds between alarms.
static NSEC: AtomicU32 = AtomicU32::new(1);
/// Probes (client) or alarms (server) allowed without an answer.
static MAXNPROBES: AtomicU32 = AtomicU32::new(1);
/// Probes (client) or alarms (server) since the last answer.
static NPROBES: AtomicU32 = AtomicU32::new(0);

/// Record the descriptor and the limits (at least 1 second, and at least as
/// many probes as seconds), catch `SIGURG` with `on_urg` as the socket's
/// owner, and start the alarm with `on_alrm`.
fn start(
    fd: RawFd,
    nsec: u32,
    maxnprobes: u32,
    on_urg: extern "C" fn(i32),
    on_alrm: extern "C" fn(i32),
) {
    SERVFD.store(fd, Ordering::SeqCst);
    let nsec = nsec.max(1);
    NSEC.store(nsec, Ordering::SeqCst);
    MAXNPROBES.store(maxnprobes.max(nsec), Ordering::SeqCst);
    NPROBES.store(0, Ordering::SeqCst);
    signal(Signal::SIGURG, SigHandler::Handler(on_urg));
    set_owner(&fd);
    signal(Signal::SIGALRM, SigHandler::Handler(on_alrm));
    nix::unistd::alarm::set(nsec);
}

/// The client's half (`heartbeat_cli`): probe every `nsec` seconds, give up
/// after `maxnprobes` probes without an answer.
pub fn heartbeat_cli(servfd: &impl AsRawFd, nsec: u32, maxnprobes: u32) {
    start(
        servfd.as_raw_fd(),
        nsec,
        maxnprobes,
        cli_sig_urg,
        cli_sig_alrm,
    );
}

/// The server's half (`heartbeat_serv`): echo each probe, give up after
/// `maxnalarms` alarms without one.
pub fn heartbeat_serv(servfd: &impl AsRawFd, nsec: u32, maxnalarms: u32) {
    start(
        servfd.as_raw_fd(),
        nsec,
        maxnalarms,
        serv_sig_urg,
        serv_sig_alrm,
    );
}

/// Stop the alarm, the client's `alarm(0)` at end of input.
pub fn heartbeat_stop() {
    nix::unistd::alarm::cancel();
}

/// Read the urgent byte: `None` if it has not arrived yet (`EWOULDBLOCK`:
/// the urgent pointer can come before the byte), `recv error` and exit on
/// any other failure.
fn recv_probe() -> Option<u8> {
    let mut c = [0u8; 1];
    match recv(SERVFD.load(Ordering::SeqCst), &mut c, MsgFlags::MSG_OOB) {
        Ok(_) => Some(c[0]),
        Err(Errno::EWOULDBLOCK) => None,
        Err(errno) => die_in_handler(&[b"recv error: ", strerror_in_handler(errno), b"\n"]),
    }
}

/// `Send(servfd, byte, 1, MSG_OOB)` from a handler.
fn send_probe(byte: u8) {
    if let Err(errno) = send(SERVFD.load(Ordering::SeqCst), &[byte], MsgFlags::MSG_OOB) {
        die_in_handler(&[b"send error: ", strerror_in_handler(errno), b"\n"]);
    }
}

fn die_in_handler(message: &[&[u8]]) -> ! {
    write_in_handler(libc::STDERR_FILENO, message);
    // SAFETY: _exit is async-signal-safe and ends the process.
    unsafe { libc::_exit(1) }
}

extern "C" fn cli_sig_urg(_signo: i32) {
    let saved = Errno::last_raw();
    recv_probe();
    NPROBES.store(0, Ordering::SeqCst); // reset counter
    Errno::set_raw(saved);
}

extern "C" fn cli_sig_alrm(_signo: i32) {
    let saved = Errno::last_raw();
    if NPROBES.fetch_add(1, Ordering::SeqCst) + 1 > MAXNPROBES.load(Ordering::SeqCst) {
        write_in_handler(libc::STDERR_FILENO, &[b"server is unreachable\n"]);
        // SAFETY: _exit is async-signal-safe; the C's exit(0).
        unsafe { libc::_exit(0) }
    }
    send_probe(b'1');
    nix::unistd::alarm::set(NSEC.load(Ordering::SeqCst));
    Errno::set_raw(saved);
}

extern "C" fn serv_sig_urg(_signo: i32) {
    let saved = Errno::last_raw();
    if let Some(c) = recv_probe() {
        send_probe(c); // echo back out-of-band byte
    }
    NPROBES.store(0, Ordering::SeqCst); // reset counter
    Errno::set_raw(saved);
}

extern "C" fn serv_sig_alrm(_signo: i32) {
    let saved = Errno::last_raw();
    if NPROBES.fetch_add(1, Ordering::SeqCst) + 1 > MAXNPROBES.load(Ordering::SeqCst) {
        write_in_handler(libc::STDOUT_FILENO, &[b"no probes from client\n"]);
        // SAFETY: _exit is async-signal-safe; the C's exit(0).
        unsafe { libc::_exit(0) }
    }
    nix::unistd::alarm::set(NSEC.load(Ordering::SeqCst));
    Errno::set_raw(saved);
}
