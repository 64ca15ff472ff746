//! `clientrst` (`server/clientrst.c`): the test client of §30.3, except that
//! child 2, on every third connection (loop 0, 3, 6, ...), first connects,
//! sets `SO_LINGER` to {on, 0 seconds} and closes, so that an RST reaches
//! the server for a connection it may not have accepted yet, and then
//! connects again and goes on as `client` does.
//!
//! The book wrote it to test its XTI server's handling of a disconnect
//! before `t_accept`. On Linux the reset connection is still returned by
//! `accept`; its first read fails with `ECONNRESET`, which every server
//! here logs (`readline error: Connection reset by peer`) and survives.
//!
//! ```sh
//! serv00 40123 &
//! clientrst 127.0.0.1 40123 3 30 4000
//! ```
//!
//! Arguments, output and differences as `client`.

use server::client::{run, ClientArgs};
use unp::{tcp_connect, OrDie};

fn main() {
    let args = ClientArgs::parse();
    run(&args, |child, round| {
        if child == 2 && round % 3 == 0 {
            let doomed = tcp_connect(&args.host, &args.port);
            doomed
                .set_linger(Some(std::time::Duration::ZERO))
                .or_die("setsockopt error");
            unp::wrap::close(doomed); // sends RST, not FIN
        }
        tcp_connect(&args.host, &args.port)
    })
}
