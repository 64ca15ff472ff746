//! `names/daytimetcpsrv3.c`: [`names-daytimetcpsrv2`] that ends each
//! connection with an RST instead of a FIN: `SO_LINGER` with a zero
//! timeout, the reply, 2 s for it to reach the client, then the close.
//!
//! Run: `names-daytimetcpsrv3 40013 &`, then `names-daytimetcpcli
//! 127.0.0.1 40013` prints the time, then `read error: Connection reset by
//! peer` on stderr and exits 1: the reset throws away nothing already
//! read, but the reader learns of it as an error, not an end of file.
//!
//! Differs from the C: the name (intro's `daytimetcpsrv3` came first).
//!
//! [`names-daytimetcpsrv2`]: ../names_daytimetcpsrv2/index.html

use std::time::Duration;

use unp::time::ctime_now;
use unp::{err_quit, sock_ntop, tcp_listen, wrap, OrDie};

fn main() {
    let usage = "usage: daytimetcpsrv3 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let listenfd = match &args[..] {
        [serv] => tcp_listen(None, serv),
        [host, serv] => tcp_listen(Some(host), serv),
        _ => err_quit(usage),
    };

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", sock_ntop(&cliaddr));

        // Force an RST instead of a FIN at the close.
        connfd
            .set_linger(Some(Duration::ZERO))
            .or_die("setsockopt error");

        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        std::thread::sleep(Duration::from_secs(2)); // let the data get across first
        wrap::close(connfd);
    }
}
