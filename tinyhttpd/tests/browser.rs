//! A real browser against the faithful `httpd`: headless Chromium loads
//! the colour form, submits it (a POST that runs `color.cgi` through fork
//! and exec), and the page it gets back is checked from its DOM. The
//! screenshot of that page is kept as `target/tmp/tinyhttpd-color-form.png`.
//!
//! Chromium is Debian's `chromium`, installed by `.ci/run`. Without it the
//! test prints `skipped: chromium not installed` and passes, unless
//! `UNP_REQUIRE_ROOT` is set (as in CI), where it fails.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::Server;
use unp_tests::Proc;

/// Chromium's path, or `None` (after saying so) when the test may skip.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromium"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("UNP_REQUIRE_ROOT").is_none(),
            "chromium not installed, and UNP_REQUIRE_ROOT requires every test"
        );
        println!("skipped: chromium not installed");
    }
    found
}

/// Run headless Chromium on `url` with `extra` flags (`--dump-dom`,
/// `--screenshot=...`) and a profile of its own; its stdout.
fn headless(chromium: &Path, profile: &Path, url: &str, extra: &[&str]) -> String {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=800,600",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url);
    // In its own process group, killed whole (zygote, renderer) on drop.
    let mut browser = Proc::spawn_cmd(&mut cmd);
    let status = browser.wait_exit();
    assert!(
        status.success(),
        "chromium: {status:?}\n{}",
        browser.stderr()
    );
    browser.stdout()
}

#[test]
fn chromium_submits_the_colour_form() {
    let Some(chromium) = chromium() else {
        return;
    };
    let server = Server::start("httpd", &[]);
    let profile = server.root.with_extension("chromium-profile");
    let base = format!("http://127.0.0.1:{}", server.port);

    let index = headless(&chromium, &profile, &format!("{base}/"), &["--dump-dom"]);
    assert!(index.contains("<title>Index</title>"), "{index}");
    assert!(
        index.contains(r#"<form action="color.cgi" method="POST">"#),
        "{index}"
    );

    // The served index.html itself, its colour field filled in and a script
    // that submits the form as the page is parsed (so that Chromium dumps
    // the page the POST brings back).
    let form = std::fs::read_to_string(server.root.join("index.html")).unwrap();
    let filled = form
        .replace(r#"name="color">"#, r#"name="color" value="green">"#)
        .replace(
            "</body>",
            "<script>document.forms[0].submit();</script>\n</body>",
        );
    assert_ne!(filled, form, "the form's colour field is gone");
    std::fs::write(server.root.join("submit.html"), filled).unwrap();
    let submit = format!("{base}/submit.html");

    let page = headless(&chromium, &profile, &submit, &["--dump-dom"]);
    assert!(page.contains("<title>GREEN</title>"), "{page}");
    assert!(page.contains("background-color: green"), "{page}");
    assert!(page.contains("<h1>This is green</h1>"), "{page}");

    let shot = support::scratch_dir().join("tinyhttpd-color-form.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        &chromium,
        &profile,
        &submit,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let _ = std::fs::remove_dir_all(&profile);
}
