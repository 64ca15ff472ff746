//! The asynchronous servers survive running out of descriptors: they stop
//! accepting, say so, and serve new clients once old ones leave
//! (`unp_tests::descriptors`).

use unp_tests::descriptors::survives_running_out;

#[test]
fn aioserv01() {
    survives_running_out("aioserv01", &["{port}"], b"hello\n", b"hello\n");
}

#[test]
fn uringserv01() {
    survives_running_out("uringserv01", &["{port}"], b"hello\n", b"hello\n");
}

#[test]
fn uringserv02() {
    survives_running_out("uringserv02", &["{port}"], b"hello\n", b"hello\n");
}
