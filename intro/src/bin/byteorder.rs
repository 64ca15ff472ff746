//! Figure 3.10, `intro/byteorder.c`: the host's byte order.
//!
//! Stores the 2-byte value 0x0102 and looks at its bytes in memory: `01 02`
//! is big-endian, `02 01` little-endian. Prints
//! `x86_64-unknown-linux-gnu: little-endian`.
//!
//! Run: `byteorder`.
//!
//! Differences from the C: the C's `CPU_VENDOR_OS` comes from configure;
//! here the build's target triple stands in for it. A Rust `i16` is always
//! 2 bytes, so the C's `sizeof(short)` branch cannot happen. An argument
//! is refused with `usage: byteorder`, as every program here refuses
//! arguments it does not take; the C ignores them.

fn main() {
    if !unp::args::arguments("usage: byteorder", unp::args::Role::Client).is_empty() {
        unp::err_quit("usage: byteorder");
    }
    let bytes = 0x0102_i16.to_ne_bytes();
    let order = match bytes {
        [1, 2] => "big-endian",
        [2, 1] => "little-endian",
        _ => "unknown",
    };
    unp::outln!("{}: {order}", env!("TARGET"));
}
