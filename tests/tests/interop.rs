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
echo "--- daytimeudpcli1"; daytimeudpcli1 127.0.0.1 daytime
"#;
    let text = run(script, &[("INETD_CONF", conf.as_os_str())]);
    let _ = std::fs::remove_dir_all(&dir);
    let got = sections(&text);
    let expected = [
        ("daytimetcpcli", "<time>"),
        ("daytimetcpcliv6", "<time>"),
        ("names-daytimetcpcli", "connected to 127.0.0.1\n<time>"),
        ("names-daytimetcpcli v6", "connected to ::1\n<time>"),
        ("daytimeudpcli1", "sending to 127.0.0.1\n<time>"),
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
    // Each pair: a server (C or ours), then the C client and ours against it.
    let script = r#"
pair() {  # pair <label> <server...> -- <proto> <C client> <our client> <args...>
    local label=$1; shift
    local server=()
    while [ "$1" != -- ]; do server+=("$1"); shift; done; shift
    local proto=$1 cclient=$2 ours=$3; shift 3
    "${server[@]}" >/dev/null &
    local pid=$!
    if [ "$proto" = tcp ]; then wait_listen 13; else wait_udp 13; fi
    echo "--- $label: C client"; "$C/$cclient" "$@"
    echo "--- $label: our client"; "$ours" "$@"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
pair "C intro/daytimetcpsrv" "$C/intro/daytimetcpsrv" -- tcp intro/daytimetcpcli daytimetcpcli 127.0.0.1
pair "our daytimetcpsrv" daytimetcpsrv -- tcp intro/daytimetcpcli daytimetcpcli 127.0.0.1
pair "C names/daytimetcpsrv1" "$C/names/daytimetcpsrv1" daytime -- tcp names/daytimetcpcli names-daytimetcpcli 127.0.0.1 daytime
pair "our names-daytimetcpsrv1" names-daytimetcpsrv1 daytime -- tcp names/daytimetcpcli names-daytimetcpcli 127.0.0.1 daytime
pair "C names/daytimeudpsrv2" "$C/names/daytimeudpsrv2" daytime -- udp names/daytimeudpcli1 daytimeudpcli1 127.0.0.1 daytime
pair "our daytimeudpsrv2" daytimeudpsrv2 daytime -- udp names/daytimeudpcli1 daytimeudpcli1 127.0.0.1 daytime
"#;
    let text = run(script, &[("C", c.as_os_str())]);
    let got = sections(&text);
    assert_eq!(got.len(), 12, "{text}");
    for pair in got.chunks(2) {
        let [(c_label, c_out), (our_label, our_out)] = pair else {
            unreachable!()
        };
        assert!(c_out.contains("<time>"), "{c_label}: {c_out:?}");
        assert_eq!(c_out, our_out, "{c_label} / {our_label}");
    }
}
