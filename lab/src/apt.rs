//! The lab's set-up step: what an experiment needs from Debian, installed
//! with apt-get (the lab runs as root on the project's machines).

use std::process::{Command, Stdio};

/// `apt-get install -y packages`, after an `apt-get update` if the first
/// try fails (a fresh machine has no package lists); whether it worked.
pub fn install(packages: &[&str]) -> bool {
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-qq"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    install()
        || (Command::new("apt-get")
            .args(["update", "-qq"])
            .status()
            .is_ok_and(|s| s.success())
            && install())
}
