//! Passes the target triple to `byteorder`, which prints it where the C
//! prints configure's `CPU_VENDOR_OS`.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=TARGET={target}");
}
