//! Chapter 13 (`inetd/`): daemon processes and the inetd superserver.
//!
//! A daemon runs with no terminal: started at boot or from a shell that
//! then goes away. [`unp::daemon::daemon_init`] (Figure 13.4) makes one out
//! of a process the shell started: it forks and lets the parent exit,
//! makes a new session with no controlling terminal, ignores `SIGHUP` and
//! forks again so that it can never get a terminal back, moves to `/`,
//! closes every descriptor and points 0, 1 and 2 at `/dev/null`. From then
//! on its messages go to `syslog` (the book's error functions switch to it,
//! `daemon_proc`), which a syslog daemon reads on `/dev/log`.
//!
//! `inetd-daytimetcpsrv2` (Figure 13.5) is chapter 11's daytime server made
//! a daemon this way. `inetd-daytimetcpsrv3` (Figure 13.12) is the same
//! service written for inetd: inetd listens on the port, accepts each
//! connection, forks, puts the connected socket on descriptors 0, 1 and 2
//! and runs the server, which serves that one client and exits;
//! [`unp::daemon::daemon_inetd`] only opens the log.
//!
//! Linux has syslog daemons (rsyslog, systemd-journald, busybox syslogd)
//! and inetd (Debian's `openbsd-inetd`, xinetd; systemd's socket units
//! with `Accept=yes` do the same). The tests run both servers for real: the
//! daemon in a private network, PID and mount namespace where `/dev/log`
//! is a socket the test reads, and `inetd-daytimetcpsrv3` under
//! `openbsd-inetd` on port 13 there.
