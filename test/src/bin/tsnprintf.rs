//! tsnprintf (`test/tsnprintf.c`): checks the C library's `snprintf`.
//! `snprintf(buf, 4, "%d", 9999)` writes `999` and a NUL, and returns 4:
//! since C99 the return value is the length the **whole** output would
//! have had, so that a caller can see the cut and size a buffer. The
//! program, written for the older convention (the count written), takes
//! that for an overflow and prints `error: snprintf overflowed buffer, n =
//! 4`. Nothing overflowed: the message is the lesson, read the other way.
//! Rust's `format!` has no fixed buffer; this calls glibc's `snprintf`.
//!
//! Run: `tsnprintf`.
//!
//! Differs from the C: an argument is refused (`usage: tsnprintf`).

use unp::err_quit;

fn main() {
    let args = unp::args::arguments("usage: tsnprintf", unp::args::Role::Client);
    if !args.is_empty() {
        err_quit("usage: tsnprintf");
    }
    let mut buf = [0 as libc::c_char; 1024];
    // SAFETY: `buf` holds 1024 bytes and snprintf is told 4; the format
    // is NUL-terminated and its one conversion gets an int.
    let n = unsafe { libc::snprintf(buf.as_mut_ptr(), 4, c"%d".as_ptr(), 9999 as libc::c_int) };
    if n > 3 {
        unp::outln!("error: snprintf overflowed buffer, n = {n}");
    }
}
