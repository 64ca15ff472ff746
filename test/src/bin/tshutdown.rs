//! tshutdown (`test/tshutdown.c`): connects with `tcp_connect`, says
//! `connected` on stderr, copies stdin to the socket, **closes stdin**, then
//! copies the socket to stdout until the server closes, and says `total: N
//! bytes read from socket`. The C has the `Shutdown(sockfd, SHUT_WR)`
//! commented out: closing stdin sends nothing to the server, so an echo
//! server never sees end of file, never closes, and the program waits for
//! ever after the last echo. `shutdown(SHUT_WR)` is what sends the FIN
//! (§6.6); a daytime server, which closes first, ends it.
//!
//! Run: `tshutdown 127.0.0.1 9877 < file` against `tcpserv04`: the echo,
//! then it hangs (Ctrl-C). `tshutdown 127.0.0.1 40013 < /dev/null` against
//! `daytimetcpsrv 40013`: the time, `total: 26 bytes read from socket`.
//!
//! Differs from the C: nothing but the usage check of every program.

use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};

use unp::{err_quit, tcp_connect, wrap, writen, OrDie};

const BUFF: usize = 100_000;

fn main() {
    let usage = "usage: tshutdown <hostname> <service>";
    let args = unp::args::arguments(usage, unp::args::Role::Client);
    let [host, serv] = &args[..] else {
        err_quit(usage)
    };

    let sockfd = tcp_connect(host, serv);
    let _ = writeln!(std::io::stderr(), "connected");

    // SAFETY: descriptor 0 is the program's stdin, which nothing else in
    // the program owns (std's `Stdin` only borrows it); it is closed below.
    let stdin = unsafe { OwnedFd::from_raw_fd(libc::STDIN_FILENO) };
    let mut buff = vec![0u8; BUFF];
    while let n @ 1.. = wrap::read(&stdin, &mut buff) {
        writen(&sockfd, &buff[..n]).or_die("writen error");
    }
    wrap::close(stdin);
    // No shutdown(sockfd, SHUT_WR): the server is never told.

    let mut nbytes = 0;
    let stdout = std::io::stdout();
    while let n @ 1.. = wrap::read(&sockfd, &mut buff) {
        wrap::write(&stdout, &buff[..n]);
        nbytes += n;
    }
    let _ = writeln!(std::io::stderr(), "total: {nbytes} bytes read from socket");
}
