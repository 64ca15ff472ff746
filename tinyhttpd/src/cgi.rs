//! Running a CGI program: the original's `execute_cgi`, `fork(2)`, two
//! pipes and `execve(2)`, without its faults.
//!
//! - Both pipes are made close-on-exec (`pipe2(O_CLOEXEC)`), as is every
//!   other descriptor of the server (Rust opens everything so): the child
//!   gets the two pipe ends it needs as its stdin and stdout (`dup2(2)`
//!   clears the flag on the copy) and nothing else, not the sockets of the
//!   other clients the server is serving in its other threads.
//! - The server is multi-threaded, so between `fork` and `execve` the child
//!   makes only async-signal-safe calls; everything it needs (the path,
//!   `argv` with its `argv[0]`, the environment) is built before the fork.
//! - The child gets back the default `SIGPIPE` and an empty signal mask
//!   (dispositions set to ignore and the mask survive `execve`).
//! - The body goes in and the output comes out through one `poll(2)` loop,
//!   so that a program that prints before it reads cannot deadlock against
//!   a server that writes before it reads; the whole run has a deadline
//!   ([`Site::cgi_timeout`]) and the output a bound ([`MAX_CGI_OUTPUT`]),
//!   past which the program is killed; the child is always reaped.

use std::ffi::{CString, OsString};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{pipe2, Pid};

use crate::request::Method;
use crate::site::{Site, MAX_CGI_OUTPUT};

/// Why a CGI program gave no answer; the server answers `500` for each.
#[derive(Debug, PartialEq, Eq)]
pub enum CgiError {
    /// A pipe or the fork failed, or the program could not be executed.
    CannotExecute,
    /// The program ran past [`Site::cgi_timeout`] and was killed.
    TimedOut,
    /// The program printed more than [`MAX_CGI_OUTPUT`] and was killed.
    TooMuchOutput,
}

/// The exit status of a child whose `execve` failed, as the shells use it.
const EXEC_FAILED: i32 = 127;

/// Run the CGI program `path` for a request of `method` with `query` (a
/// GET's query string) and `body` (a POST's), and return all it printed.
pub fn run(
    path: &Path,
    method: Method,
    query: Option<&str>,
    body: &[u8],
    site: &Site,
) -> Result<Vec<u8>, CgiError> {
    let deadline = Instant::now() + site.cgi_timeout;
    let program = CString::new(path.as_os_str().as_bytes()).map_err(|_| CgiError::CannotExecute)?;
    let env = environment(method, query, body.len());
    let argv = [program.as_ptr(), std::ptr::null()];
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|v| v.as_ptr()).collect();
    envp.push(std::ptr::null());
    let (output_r, output_w) = pipe2(OFlag::O_CLOEXEC).map_err(|_| CgiError::CannotExecute)?;
    let (input_r, input_w) = pipe2(OFlag::O_CLOEXEC).map_err(|_| CgiError::CannotExecute)?;
    // SAFETY: `fork(2)` in a multi-threaded process: the child below makes
    // only async-signal-safe calls on data prepared before the fork, then
    // execs or exits.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(CgiError::CannotExecute);
    }
    if pid == 0 {
        // SAFETY: fcntl, dup2, signal, sigprocmask, execve and _exit are
        // async-signal-safe; every pointer was made before the fork and
        // `argv` and `envp` end in a null pointer.
        unsafe {
            // Copies at 3 or above first, so that neither dup2 can
            // overwrite the other's source if a pipe landed on 0 or 1.
            let input = libc::fcntl(input_r.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3);
            let output = libc::fcntl(output_w.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3);
            if input < 0
                || output < 0
                || libc::dup2(input, libc::STDIN_FILENO) < 0
                || libc::dup2(output, libc::STDOUT_FILENO) < 0
            {
                libc::_exit(EXEC_FAILED);
            }
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            let mut no_signals = std::mem::zeroed::<libc::sigset_t>();
            libc::sigemptyset(&mut no_signals);
            libc::sigprocmask(libc::SIG_SETMASK, &no_signals, std::ptr::null_mut());
            libc::execve(program.as_ptr(), argv.as_ptr(), envp.as_ptr());
            libc::_exit(EXEC_FAILED);
        }
    }
    let child = Pid::from_raw(pid);
    drop((input_r, output_w));
    let input = (!body.is_empty()).then_some(input_w);
    let result = exchange(input, output_r, body, deadline);
    let status = reap(child, deadline, result.is_err());
    match (result, status) {
        (Ok(output), WaitStatus::Exited(_, EXEC_FAILED)) if output.is_empty() => {
            Err(CgiError::CannotExecute)
        }
        (result, _) => result,
    }
}

/// The child's environment: the server's own, with the CGI variables of
/// this request (`REQUEST_METHOD`, and `QUERY_STRING` for a GET or
/// `CONTENT_LENGTH` for a POST) in place of any inherited ones.
fn environment(method: Method, query: Option<&str>, length: usize) -> Vec<CString> {
    const OURS: [&str; 3] = ["REQUEST_METHOD", "QUERY_STRING", "CONTENT_LENGTH"];
    let mut env: Vec<CString> = std::env::vars_os()
        .filter(|(name, _)| !OURS.iter().any(|ours| name == ours))
        .filter_map(|(name, value)| {
            let mut pair: OsString = name;
            pair.push("=");
            pair.push(value);
            CString::new(pair.into_vec()).ok()
        })
        .collect();
    let mut set = |name: &str, value: &str| {
        if let Ok(pair) = CString::new(format!("{name}={value}")) {
            env.push(pair);
        }
    };
    set("REQUEST_METHOD", method.as_str());
    match method {
        Method::Post => set("CONTENT_LENGTH", &length.to_string()),
        Method::Get | Method::Head => set("QUERY_STRING", query.unwrap_or("")),
    }
    env
}

/// Feed `body` to the child's stdin (closing it once all is written, or at
/// once when `input` is `None`) while reading its stdout to the end, by
/// `deadline`.
fn exchange(
    mut input: Option<OwnedFd>,
    output: OwnedFd,
    body: &[u8],
    deadline: Instant,
) -> Result<Vec<u8>, CgiError> {
    if let Some(fd) = &input {
        // A partial write, never a write that waits for the child.
        let _ = fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
    }
    let mut written = 0;
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(CgiError::TimedOut);
        }
        let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        let (readable, writable) = {
            let mut fds = vec![PollFd::new(output.as_fd(), PollFlags::POLLIN)];
            if let Some(fd) = &input {
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLOUT));
            }
            match poll(&mut fds, timeout) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(_) => return Err(CgiError::CannotExecute),
            }
            let ready = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
            (ready(&fds[0]), fds.get(1).is_some_and(ready))
        };
        if writable {
            match nix::unistd::write(input.as_ref().unwrap(), &body[written..]) {
                Ok(n) => written += n,
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                // EPIPE: the program does not want the rest of the body.
                Err(_) => written = body.len(),
            }
            if written == body.len() {
                input = None;
            }
        }
        if readable {
            match nix::unistd::read(&output, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) if out.len() + n > MAX_CGI_OUTPUT => return Err(CgiError::TooMuchOutput),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(_) => return Ok(out),
            }
        }
    }
}

/// Reap the child (`waitpid(2)`). One that ran out of time or printed too
/// much (`kill_now`) is killed first; one that ended its output is given
/// until `deadline` to exit (waiting on a
/// [`pidfd_open(2)`](https://man7.org/linux/man-pages/man2/pidfd_open.2.html)
/// descriptor, readable once the child has exited), then killed: nothing it
/// does after that can reach the client.
fn reap(child: Pid, deadline: Instant, kill_now: bool) -> WaitStatus {
    if !kill_now {
        // SAFETY: pidfd_open takes a pid and flags and returns a new
        // descriptor (close-on-exec by definition) or -1.
        let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, child.as_raw(), 0) };
        if pidfd >= 0 {
            // SAFETY: the descriptor was just returned to us and is owned
            // by nothing else.
            let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as i32) };
            let left = deadline.saturating_duration_since(Instant::now());
            let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
            let _ = poll(
                &mut [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)],
                timeout,
            );
        }
        if let Ok(status) = waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            if status != WaitStatus::StillAlive {
                return status;
            }
        }
    }
    let _ = kill(child, Signal::SIGKILL);
    loop {
        match waitpid(child, None) {
            Err(Errno::EINTR) => continue,
            Ok(status) => return status,
            Err(_) => return WaitStatus::StillAlive,
        }
    }
}
