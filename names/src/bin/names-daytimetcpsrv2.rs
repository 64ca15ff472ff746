//! Figure 11.14, `names/daytimetcpsrv2.c`: [`names-daytimetcpsrv1`] with an
//! optional host, which chooses the family and address: `::` for every
//! IPv6 and (through IPv4-mapped addresses) IPv4 client, `0.0.0.0` for
//! IPv4 only, or one address such as `::1`.
//!
//! Run: `names-daytimetcpsrv2 :: 40013 &`, then `names-daytimetcpcli ::1
//! 40013` (`connection from [::1]:P`) and `names-daytimetcpcli 127.0.0.1
//! 40013` (`connection from [::ffff:127.0.0.1]:P`).
//!
//! Differs from the C: the name (intro's `daytimetcpsrv2` came first).
//!
//! [`names-daytimetcpsrv1`]: ../names_daytimetcpsrv1/index.html

use unp::time::ctime_now;
use unp::{err_quit, sock_ntop, tcp_listen, wrap};

fn main() {
    let usage = "usage: daytimetcpsrv2 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let listenfd = match &args[..] {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", sock_ntop(&cliaddr));

        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
