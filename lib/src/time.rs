//! Time as the book prints it: `ctime(3)` for the daytime protocol and
//! `gf_time` (`lib/gf_time.c`) for the chapter 16 trace.

use std::mem::MaybeUninit;
use std::time::{SystemTime, UNIX_EPOCH};

/// The local time now, formatted by `strftime(3)` with `format`, and the
/// microseconds past that second (the clock read once, as `gettimeofday`
/// would).
fn format_now(format: &std::ffi::CStr) -> (String, u32) {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since_epoch.as_secs() as libc::time_t;
    let mut tm = MaybeUninit::<libc::tm>::uninit();
    let mut buf = [0u8; 64];
    // SAFETY: localtime_r fills `tm` from a valid time_t; strftime writes at
    // most buf.len() bytes including the NUL and returns the length.
    let len = unsafe {
        libc::localtime_r(&secs, tm.as_mut_ptr());
        libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            format.as_ptr(),
            tm.as_ptr(),
        )
    };
    (
        String::from_utf8_lossy(&buf[..len]).into_owned(),
        since_epoch.subsec_micros(),
    )
}

/// The local time as `ctime(3)` gives it, cut to 24 characters (no
/// newline): `Thu Nov 26 21:56:32 2026`. The daytime servers send this plus
/// `\r\n`.
pub fn ctime_now() -> String {
    format_now(c"%a %b %e %H:%M:%S %Y").0
}

/// The book's `gf_time`: the local time as `HH:MM:SS.uuuuuu`.
pub fn gf_time() -> String {
    let (hms, micros) = format_now(c"%H:%M:%S");
    format!("{hms}.{micros:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_have_the_books_width() {
        let now = ctime_now();
        assert_eq!(now.len(), 24, "{now}");
        assert_eq!(gf_time().len(), 15);
    }
}
