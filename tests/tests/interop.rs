//! Interoperation on the daytime protocol (chapters 1 and 11), on the
//! book's port 13 in a private network namespace:
//!
//! - our daytime clients against a daytime server written in C that every
//!   Debian has: `openbsd-inetd`'s own (`internal`) daytime service, TCP and
//!   UDP, IPv4 and IPv6 (installed by `.ci/run`);
//! - with `UNP_C_ORIGINALS` set to a built `unpv13e` tree (see
//!   `scripts/c-originals`), the book's own C programs: each C server
//!   serves our client and each of our servers serves the C client, and
//!   our client prints what the C client prints, the time aside.
//!
//! Build first (`cargo test --workspace` does).

use std::path::PathBuf;

use unp_tests::{in_netns, skip_unless_root};

/// `Sat Nov 28 13:40:00 2026` (ctime's format, as inetd and the book's
/// servers send it) becomes `<time>`, so that two runs compare equal.
fn without_the_time(text: &str) -> String {
    text.lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let is_time = words.len() == 5
                && words[3].len() == 8
                && words[3].chars().filter(|&c| c == ':').count() == 2
                && words[4].parse::<u32>().is_ok();
            if is_time {
                "<time>".to_string()
            } else {
                line.trim_end_matches('\r').to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The sections of `text` that the script headed `--- name`, in order.
fn sections(text: &str) -> Vec<(String, String)> {
    text.split("--- ")
        .skip(1)
        .map(|section| {
            let (name, body) = section.split_once('\n').unwrap_or((section, ""));
            (name.to_string(), without_the_time(body))
        })
        .collect()
}

/// The script's stdout; it must succeed.
fn run(script: &str, env: &[(&str, &std::ffi::OsStr)]) -> String {
    let mut cmd = in_netns(script);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("unshare");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// inetd's built-in daytime, a C server, answers each of our daytime
/// clients: over TCP and UDP, IPv4 and IPv6, by address and by the
/// service name `daytime` from `/etc/services`.
#[test]
fn inetds_own_daytime_answers_our_clients() {
    if skip_unless_root("unshare, inetd on port 13") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("unp-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let conf = dir.join("inetd.conf");
    std::fs::write(
        &conf,
        "daytime stream tcp nowait root internal\n\
         daytime stream tcp6 nowait root internal\n\
         daytime dgram udp wait root internal\n",
    )
    .expect("write inetd.conf");
    let script = r#"
# inetd writes /run/inetd.pid: a private /run keeps the host's.
mount -t tmpfs tmpfs /run
/usr/sbin/inetd -i "$INETD_CONF" &
wait_listen 13
wait_udp 13
for _ in $(seq 2000); do
    ss -Hltn 'sport = :13' | grep -q '\[::\]' && break
    sleep 0.01
done
echo "--- daytimetcpcli"; daytimetcpcli 127.0.0.1
echo "--- daytimetcpcliv6"; daytimetcpcliv6 ::1
echo "--- names-daytimetcpcli"; names-daytimetcpcli 127.0.0.1 daytime
echo "--- names-daytimetcpcli v6"; names-daytimetcpcli ::1 daytime
# inetd answers no datagram from 127/8 (it takes it for spoofed): the UDP
# client talks from an address of its own.
ip addr add 10.9.9.9/32 dev lo
echo "--- daytimeudpcli1"; daytimeudpcli1 10.9.9.9 daytime
"#;
    let text = run(script, &[("INETD_CONF", conf.as_os_str())]);
    let _ = std::fs::remove_dir_all(&dir);
    let got = sections(&text);
    let expected = [
        ("daytimetcpcli", "<time>"),
        ("daytimetcpcliv6", "<time>"),
        ("names-daytimetcpcli", "connected to 127.0.0.1\n<time>"),
        ("names-daytimetcpcli v6", "connected to ::1\n<time>"),
        ("daytimeudpcli1", "sending to 10.9.9.9\n<time>"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(name, body)| (name.to_string(), body.to_string()))
        .collect();
    assert_eq!(got, expected, "{text}");
}

/// The book's C programs (a built `unpv13e`, `UNP_C_ORIGINALS`) and ours,
/// crossed: every server answers both clients, and both clients print the
/// same lines.
#[test]
fn the_books_c_programs_and_ours_interoperate() {
    let Some(c) = std::env::var_os("UNP_C_ORIGINALS").map(PathBuf::from) else {
        eprintln!(
            "the_books_c_programs_and_ours_interoperate: skipped: needs the C originals \
             (UNP_C_ORIGINALS=<unpv13e tree built by scripts/c-originals>)"
        );
        return;
    };
    if skip_unless_root("unshare, the book's port 13") {
        return;
    }
    // Each pair in a namespace of its own: the book's servers set no
    // SO_REUSEADDR, and the TIME_WAIT of one pair's connections would keep
    // the next server from binding port 13.
    let c_dir = c.display().to_string();
    let pairs: [(&str, String, &str, &str, &str, &str); 6] = [
        (
            "tcp",
            format!("{c_dir}/intro/daytimetcpsrv"),
            "intro/daytimetcpcli",
            "daytimetcpcli",
            "127.0.0.1",
            "",
        ),
        (
            "tcp",
            "daytimetcpsrv".into(),
            "intro/daytimetcpcli",
            "daytimetcpcli",
            "127.0.0.1",
            "",
        ),
        (
            "tcp",
            format!("{c_dir}/names/daytimetcpsrv1 daytime"),
            "names/daytimetcpcli",
            "names-daytimetcpcli",
            "127.0.0.1",
            "daytime",
        ),
        (
            "tcp",
            "names-daytimetcpsrv1 daytime".into(),
            "names/daytimetcpcli",
            "names-daytimetcpcli",
            "127.0.0.1",
            "daytime",
        ),
        (
            "udp",
            format!("{c_dir}/names/daytimeudpsrv2 daytime"),
            "names/daytimeudpcli1",
            "daytimeudpcli1",
            "127.0.0.1",
            "daytime",
        ),
        (
            "udp",
            "daytimeudpsrv2 daytime".into(),
            "names/daytimeudpcli1",
            "daytimeudpcli1",
            "127.0.0.1",
            "daytime",
        ),
    ];
    for (proto, server, c_client, our_client, host, service) in pairs {
        let script = format!(
            r#"
{server} >/dev/null &
wait_{wait} 13
echo "--- C {c_client}"; "$C/{c_client}" {host} {service}
echo "--- our {our_client}"; {our_client} {host} {service}
"#,
            wait = if proto == "tcp" { "listen" } else { "udp" },
        );
        let text = run(&script, &[("C", c.as_os_str())]);
        let got = sections(&text);
        let [(_, c_out), (_, our_out)] = &got[..] else {
            panic!("{server}: {text}");
        };
        assert!(c_out.contains("<time>"), "{server}: {text}");
        assert_eq!(c_out, our_out, "{server}: the C client, then ours");
    }
}
