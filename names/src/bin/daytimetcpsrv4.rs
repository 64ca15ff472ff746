//! `names/daytimetcpsrv4.c`: [`names-daytimetcpsrv2`] that prints each
//! client with `getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV)` instead of
//! `sock_ntop`: the host and the port as numbers, joined by a dot.
//!
//! Run: `daytimetcpsrv4 :: 40013 &`, then `names-daytimetcpcli ::1 40013`
//! prints `connection from ::1.54321` on the server's stdout.
//!
//! Differs from the C: nothing but the common rules (usage line on
//! extra arguments).
//!
//! [`names-daytimetcpsrv2`]: ../names_daytimetcpsrv2/index.html

use unp::netdb::getnameinfo;
use unp::time::ctime_now;
use unp::{err_quit, tcp_listen, wrap};

fn main() {
    let usage = "usage: daytimetcpsrv4 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let listenfd = match &args[..] {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        let numeric = libc::NI_NUMERICHOST | libc::NI_NUMERICSERV;
        if let Ok((host, serv)) = getnameinfo(&cliaddr, numeric) {
            unp::outln!("connection from {host}.{serv}");
        }

        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
