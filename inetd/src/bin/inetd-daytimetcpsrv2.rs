//! inetd-daytimetcpsrv2 (Figure 13.5, `inetd/daytimetcpsrv2.c`): chapter
//! 11's protocol-independent daytime server (Figure 11.14) made a daemon
//! with [`daemon_init`]: the shell gets its prompt back at once, the server
//! goes on in the background with no terminal, and each `connection from
//! A:P` goes to syslog (facility 0, `LOG_KERN`, as the book passes;
//! `LOG_INFO`), tagged with the name it was started as and its PID.
//!
//! Run: `inetd-daytimetcpsrv2 40013` (or `[ <host> ] <service or port>`:
//! `inetd-daytimetcpsrv2 ::1 daytime` as root), then `daytimetcpcli
//! 127.0.0.1 40013`; the log line is in the system's log (`journalctl`,
//! `/var/log/syslog`, or nowhere when no syslog daemon reads `/dev/log`).
//! Stop it with `pkill -x inetd-daytimetc` (the name is cut to 15 bytes).
//!
//! Differs from the C: the name (intro's `daytimetcpsrv2` came first); the
//! host and service are looked up before [`daemon_init`], so that a
//! mistyped port is reported on the terminal with exit status 1, not in
//! syslog after the shell saw success (the listening socket is still made
//! by the daemon, as in the figure); a write to a client that has gone
//! ends the server, as the book's `Write` does, but with a line in syslog
//! rather than death by `SIGPIPE`. [`unp::daemon`] lists the differences of
//! `daemon_init` and of the log lines.

use unp::daemon::daemon_init;
use unp::netdb::Hints;
use unp::time::ctime_now;
use unp::{err_msg, err_quit, getaddrinfo, sock_ntop, tcp_listen, wrap};

fn main() {
    let usage = "usage: daytimetcpsrv2 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let (host, serv) = match &args[..] {
        [serv] => (None, serv.as_str()),
        [host, serv] => (Some(host.as_str()), serv.as_str()),
        _ => err_quit(usage),
    };
    let passive = Hints {
        flags: libc::AI_PASSIVE,
        socktype: libc::SOCK_STREAM,
        ..Hints::default()
    };
    if let Err(err) = getaddrinfo(host, Some(serv), passive) {
        let shown = host.unwrap_or("(null)");
        err_quit(format!("tcp_listen error for {shown}, {serv}: {err}"));
    }

    let argv0 = std::env::args_os().next().unwrap_or_default();
    if let Err(err) = daemon_init(&argv0.to_string_lossy(), 0) {
        unp::err_sys(&err, "daemon_init error");
    }

    let listenfd = tcp_listen(host, serv);

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        err_msg(format!("connection from {}", sock_ntop(&cliaddr)));

        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());

        wrap::close(connfd);
    }
}
