//! Tests that need root: they skip cleanly without it, unless CI demands
//! that they run.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The environment variable that makes a test needing root fail, instead of
/// skipping, when it cannot have it: `.ci/run` sets it for its root run.
pub const REQUIRE_ROOT: &str = "UNP_REQUIRE_ROOT";

/// Whether this process may make namespaces: it asks `unshare(1)` for the
/// network, PID and mount namespaces [`in_netns`](crate::in_netns) uses, once.
fn can_unshare() -> bool {
    static CAN: OnceLock<bool> = OnceLock::new();
    *CAN.get_or_init(|| {
        Command::new("unshare")
            .args(["--net", "--pid", "--fork", "--mount-proc", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// Whether the calling test must stop here because it needs root (for
/// `what`: `unshare`, `setpriv`, a port below 1024) and does not have it.
/// Then it says `<test>: skipped: needs root (<what>)` on stderr, past the
/// test harness's capture so that `cargo test` shows it, and the test
/// returns, passing; unless [`REQUIRE_ROOT`] is set, when it fails instead.
///
/// ```no_run
/// # fn in_netns_test() {
/// if unp_tests::skip_unless_root("unshare") {
///     return;
/// }
/// # }
/// ```
pub fn skip_unless_root(what: &str) -> bool {
    if can_unshare() {
        return false;
    }
    assert!(
        std::env::var_os(REQUIRE_ROOT).is_none(),
        "needs root ({what}), and {REQUIRE_ROOT} is set"
    );
    let test = std::thread::current().name().unwrap_or("test").to_owned();
    // Straight to the descriptor: `eprintln!` would be captured and hidden.
    let _ = writeln!(std::io::stderr(), "{test}: skipped: needs root ({what})");
    true
}
