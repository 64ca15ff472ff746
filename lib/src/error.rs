//! The book's error functions (`lib/error.c`, §D.3): `err_sys`, `err_ret`,
//! `err_dump`, `err_quit`, `err_msg`.
//!
//! Output is exactly the C's: the message, then `: <strerror>` for the
//! functions that report an errno, then a newline, on stderr, with stdout
//! flushed first so the two streams interleave as they would in C. There is
//! no program-name prefix. The C formats into a `MAXLINE`-byte buffer; the
//! text here is never cut.
//!
//! One addition, for usage lines: [`err_quit`] given a `usage: ` line
//! whose program name is not the one the reader typed (the book's
//! `usage: tcpcli ...` printed by `select-tcpcli01`, `usage: a.out ...`)
//! adds that name: `usage: tcpcli <IPaddress> [port]   (this is
//! select-tcpcli01)`.
//!
//! In a daemon ([`crate::daemon`]) the message goes to `syslog` instead,
//! at `LOG_INFO` ([`err_ret`], [`err_msg`]) or `LOG_ERR` (the fatal ones).
//!
//! Where the C reads the global `errno`, these take the error explicitly:
//! in Rust the value travels in the `Result`, not in a global that any later
//! call may overwrite.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;

/// The text `strerror(3)` gives for an error: `Connection refused`, not
/// Rust's `Connection refused (os error 111)`.
pub fn strerror(err: &io::Error) -> String {
    let text = err.to_string();
    match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .map(str::to_owned)
            .unwrap_or(text),
        None => text,
    }
}

fn err_doit(level: libc::c_int, err: Option<&io::Error>, msg: &dyn Display) {
    let line = match err {
        Some(err) => format!("{msg}: {}\n", strerror(err)),
        None => format!("{msg}\n"),
    };
    if crate::daemon::is_daemon() {
        return crate::daemon::syslog(level, line.trim_end_matches('\n'));
    }
    let _ = io::stdout().flush();
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(line.as_bytes());
    let _ = stderr.flush();
}

/// Fatal error related to a system call: print `msg: strerror` and exit 1.
pub fn err_sys(err: &io::Error, msg: impl Display) -> ! {
    err_doit(libc::LOG_ERR, Some(err), &msg);
    std::process::exit(1)
}

/// Nonfatal error related to a system call: print `msg: strerror` and return.
pub fn err_ret(err: &io::Error, msg: impl Display) {
    err_doit(libc::LOG_INFO, Some(err), &msg);
}

/// Fatal error related to a system call: print `msg: strerror` and abort
/// (SIGABRT, a core dump where the system keeps them).
pub fn err_dump(err: &io::Error, msg: impl Display) -> ! {
    err_doit(libc::LOG_ERR, Some(err), &msg);
    std::process::abort()
}

/// Fatal error unrelated to a system call: print `msg` and exit 1. A usage
/// line that names another program gets this program's name added (see
/// the module doc).
pub fn err_quit(msg: impl Display) -> ! {
    let argv0 = std::env::args_os().next();
    let program = argv0.as_deref().map(Path::new).and_then(Path::file_name);
    let program = program.map(|name| name.to_string_lossy());
    err_doit(
        libc::LOG_ERR,
        None,
        &naming_the_program(msg.to_string(), program.as_deref()),
    );
    std::process::exit(1)
}

/// `msg`, and when it is a usage line (`usage: NAME ...`) whose NAME is not
/// `program`, `   (this is PROGRAM)` after it.
fn naming_the_program(msg: String, program: Option<&str>) -> String {
    let named = msg
        .strip_prefix("usage: ")
        .and_then(|rest| rest.split_whitespace().next());
    match (named, program) {
        (Some(named), Some(program)) if named != program => {
            format!("{msg}   (this is {program})")
        }
        _ => msg,
    }
}

/// Nonfatal error unrelated to a system call: print `msg` and return.
pub fn err_msg(msg: impl Display) {
    err_doit(libc::LOG_INFO, None, &msg);
}

/// The book's `printf` of a line, for the messages a server or client
/// prints besides its real output (`child 1234 starting`, `connection from
/// ...`, `counter = 7`): `println!`'s arguments, written to stdout, and a
/// failure ignored, as the C ignores `printf`'s. `println!` panics when
/// stdout is a closed pipe or a full disk; a server must go on serving.
/// (The echo clients' real output goes through `fputs`, which dies with
/// `fputs error`, as the book's wrapper does.)
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stdout(), $($arg)*);
    }};
}

/// [`outln!`] without the newline: the book's `printf` of part of a line.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::write!(::std::io::stdout(), $($arg)*);
    }};
}

/// The book's capitalised wrappers (`Socket`, `Connect`, `Writen`, ...) in one
/// method: `sock.connect(&addr).or_die("connect error")` is the book's
/// `Connect(sockfd, ...)`, dying with `connect error: Connection refused`.
pub trait OrDie<T> {
    /// The value, or [`err_sys`] with `msg` and the error's strerror text.
    fn or_die(self, msg: impl Display) -> T;
}

impl<T, E: Into<io::Error>> OrDie<T> for Result<T, E> {
    fn or_die(self, msg: impl Display) -> T {
        match self {
            Ok(value) => value,
            Err(err) => err_sys(&err.into(), msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_is_the_c_text() {
        let err = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(strerror(&err), "Connection refused");
        let custom = io::Error::other("no route");
        assert_eq!(strerror(&custom), "no route");
    }

    #[test]
    fn a_usage_line_naming_another_program_gets_this_ones() {
        let usage = "usage: tcpcli <IPaddress> [port]".to_string();
        assert_eq!(
            naming_the_program(usage.clone(), Some("select-tcpcli01")),
            "usage: tcpcli <IPaddress> [port]   (this is select-tcpcli01)"
        );
        assert_eq!(naming_the_program(usage.clone(), Some("tcpcli")), usage);
        assert_eq!(naming_the_program(usage.clone(), None), usage);
        let other = "tcp_connect error for a, b".to_string();
        assert_eq!(naming_the_program(other.clone(), Some("x")), other);
    }
}
