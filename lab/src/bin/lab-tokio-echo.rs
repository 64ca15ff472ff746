//! `lab-tokio-echo`: the echo server users would write today with tokio, as
//! the lab's reference peer (not in the book).
//!
//! `lab-tokio-echo [port]` (default 9877, the book's SERV_PORT) accepts
//! connections and echoes every byte back, one task per connection, on a
//! **current_thread** runtime: one thread runs every task, the same
//! one-core budget the lab gives each single-threaded event loop of the
//! workspace (the lab pins every server to one CPU). Sockets keep their
//! defaults (no TCP_NODELAY), as the workspace's echo servers do.
//!
//! A connection that resets or errors ends its own task only; the server
//! goes on. Out of descriptors or kernel memory (`EMFILE`, `ENFILE`,
//! `ENOBUFS`, `ENOMEM`) it says so at most once every 10 s, as the
//! workspace's servers do (`unp::event::AcceptPause`), and sleeps
//! `unp::event::ACCEPT_RETRY` before accepting again: accepting at once
//! would fail again without ever yielding, and the one thread would never
//! run the tasks whose clients have gone and whose closes free a descriptor.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use unp::event::{AcceptPause, ACCEPT_RETRY};
use unp::{book_args, OrDie, SERV_PORT};

async fn echo(mut sock: TcpStream) {
    let mut buf = vec![0u8; unp::MAXLINE];
    loop {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if sock.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (_, port) = book_args("usage: lab-tokio-echo [port]", 0, SERV_PORT);
    let listener = TcpListener::bind(("0.0.0.0", port))
        .await
        .or_die("bind error");
    let mut pause = AcceptPause::new();
    loop {
        match listener.accept().await {
            Ok((sock, _)) => {
                tokio::spawn(echo(sock));
            }
            Err(e) if pause.pauses_for(&e) => tokio::time::sleep(ACCEPT_RETRY).await,
            Err(e) => unp::err_ret(&e, "accept error"),
        }
    }
}
