//! uringserv02's multishot recv on a tiny provided buffer ring (the hidden
//! `--buffers=N` argument): a recv that ends for want of a buffer
//! (`ENOBUFS`, no `IORING_CQE_F_MORE`) is re-armed once a buffer is back,
//! and every echo is still whole and in order.

use std::io::{ErrorKind, Read, Write};

use unp_tests::conformance::{self, EchoServer};
use unp_tests::{binary_data, connect, exchange, TIMEOUT};

fn tiny_ring(buffers: u16) -> EchoServer {
    EchoServer {
        name: "uringserv02",
        args_before_port: vec![format!("--buffers={buffers}")],
        max_clients: 100,
        refuses_beyond_max: false,
        blocks_on_slow_reader: false,
    }
}

/// With one buffer, every recv after the first of a long line or a binary
/// block ends with `ENOBUFS` until the echo of that buffer has been sent:
/// the recv is re-armed each time, and the echo comes back whole.
#[test]
fn one_buffer_echoes_long_lines_and_binary() {
    conformance::echoes_long_line(&tiny_ring(1));
    conformance::echoes_binary(&tiny_ring(1));
    conformance::half_close_gets_every_byte(&tiny_ring(1));
}

#[test]
fn two_buffers_serve_many_clients() {
    conformance::many_clients(&tiny_ring(2));
}

/// A client that does not read holds the only buffer (its echo cannot be
/// sent): another client's recv runs out of buffers. Once the first client
/// reads, the buffer comes back, the second client's recv is re-armed and
/// its line echoed.
#[test]
fn recv_out_of_buffers_is_rearmed_when_one_is_back() {
    let (proc, port) = tiny_ring(1).start();
    let mut hog = connect(port);
    hog.set_nonblocking(true).unwrap();
    let block = binary_data(64 << 10);
    let mut sent = Vec::new();
    loop {
        match hog.write(&block) {
            Ok(n) => sent.extend_from_slice(&block[..n]),
            Err(err) if err.kind() == ErrorKind::WouldBlock => break,
            Err(err) => panic!("{err}"),
        }
    }
    unp_tests::wait_until("the ring to run dry", || {
        proc.stderr()
            .contains("uringserv02: out of receive buffers; recv re-armed when one is back\n")
    });
    let mut other = connect(port);
    other.write_all(b"waiting for a buffer\n").unwrap();

    hog.set_nonblocking(false).unwrap();
    hog.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut echoed = vec![0u8; sent.len()];
    hog.read_exact(&mut echoed).unwrap();
    assert!(echoed == sent, "the hog's echo is not its data");

    other.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut line = [0u8; 21];
    other.read_exact(&mut line).unwrap();
    assert_eq!(&line, b"waiting for a buffer\n");
    exchange(&mut other, b"again\n", b"again\n");
}
