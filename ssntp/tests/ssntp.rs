//! ssntp on the namespace network: against a real NTP server (Debian's
//! chronyd, broadcasting and multicasting from host B, never touching the
//! clock: `-x`), and against packets the test makes.

use std::net::UdpSocket;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use unp_tests::netlab::{Host, Netlab};
use unp_tests::{assert_usage, skip_unless_root, Proc, TIMEOUT};

/// Debian's chronyd (root's PATH has /usr/sbin; a test's may not).
const CHRONYD: &str = "/usr/sbin/chronyd";

/// The next line of `ssntp`'s output that is not empty.
fn next_report(ssntp: &mut Proc) -> String {
    loop {
        match ssntp.next_line(TIMEOUT) {
            Ok(Some(line)) if line.is_empty() => continue,
            Ok(Some(line)) => return line,
            other => panic!("ssntp: {other:?}, stderr {}", ssntp.stderr()),
        }
    }
}

/// The microseconds of a `... clock difference = N usec` line.
fn difference(line: &str) -> i64 {
    line.rsplit_once("clock difference = ")
        .and_then(|(_, n)| n.strip_suffix(" usec")?.parse().ok())
        .unwrap_or_else(|| panic!("not a clock difference: {line}"))
}

/// A directory removed on drop, even when the test fails.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// chronyd on B with a configuration in a fresh temporary directory: it
/// serves its own clock (`local stratum 8`) and sends a mode-5 packet every
/// second to the subnet's broadcast address (port 123) and to 224.0.1.1
/// (port 1123: only a member of the group can get those).
fn chronyd(b: &Host) -> (Proc, TempDir) {
    let dir = TempDir(std::env::temp_dir().join(format!("unp-ssntp-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let conf = dir.0.join("chrony.conf");
    std::fs::write(
        &conf,
        format!(
            "local stratum 8\nallow\nbroadcast 1 10.0.1.255\nbroadcast 1 224.0.1.1 1123\n\
             cmdport 0\npidfile {}\n",
            dir.0.join("chronyd.pid").display()
        ),
    )
    .unwrap();
    let mut chronyd = b.command(CHRONYD);
    chronyd.args(["-x", "-d", "-f"]).arg(&conf);
    (Proc::spawn_cmd(&mut chronyd), dir)
}

/// Broadcast NTP to 10.0.1.255 reaches ssntp on A; multicast NTP to
/// 224.0.1.1 (on another port, so that C gets no broadcast) reaches ssntp
/// on C, which joined the group on eth0. Both see
/// chrony's version 4, mode 5 (broadcast), stratum 8, and a clock
/// difference under a second (one clock, shared by the namespaces).
#[test]
fn listens_to_chrony() {
    if skip_unless_root("network namespaces, port 123") {
        return;
    }
    assert!(
        std::process::Command::new("chronyd")
            .arg("-v")
            .output()
            .is_ok(),
        "chronyd is missing: apt-get install chrony (.ci/run does)"
    );
    let lab = Netlab::start();
    let (a, b, c) = (lab.host("A"), lab.host("B"), lab.host("C"));
    let mut by_broadcast = a.spawn("ssntp", &["10.0.1.255"]);
    let mut by_multicast = c.spawn("ssntp", &["224.0.1.1", "1123"]);
    assert_eq!(
        by_multicast.next_line(TIMEOUT).unwrap().as_deref(),
        Some("joined 224.0.1.1:1123 on eth0")
    );
    let (_chronyd, _dir) = chronyd(b);
    for ssntp in [&mut by_broadcast, &mut by_multicast] {
        let report = next_report(ssntp);
        assert!(
            report.starts_with("v4, mode 5, strat 8, clock difference = "),
            "{report}"
        );
        assert!(difference(&report).abs() < 1_000_000, "{report}");
    }
}

/// A packet too short, a client's packet (mode 3), and a server's whose
/// transmit time is half a second behind this host's clock.
#[test]
fn prints_what_each_packet_says() {
    if skip_unless_root("network namespaces, port 123") {
        return;
    }
    let lab = Netlab::start();
    let (a, b) = (lab.host("A"), lab.host("B"));
    let mut ssntp = a.udp_server("ssntp", &["10.0.1.255"], 123);
    let sender = b.within(|| UdpSocket::bind("0.0.0.0:0").unwrap());
    let to = (a.ipv4(), 123);
    sender.send_to(&[0; 10], to).unwrap();
    assert_eq!(next_report(&mut ssntp), "packet too small: 10 bytes");
    let mut client = [0u8; 48];
    client[0] = (3 << 3) | 3; // version 3, mode 3
    sender.send_to(&client, to).unwrap();
    assert_eq!(next_report(&mut ssntp), "v3, mode 3, strat 0, client");

    let behind = SystemTime::now().duration_since(UNIX_EPOCH).unwrap() - Duration::from_millis(500);
    let mut server = [0u8; 48];
    server[0] = (4 << 3) | 5; // version 4, broadcast
    server[1] = 2;
    let seconds = (behind.as_secs() + 2_208_988_800) as u32;
    let fraction = ((u64::from(behind.subsec_nanos()) << 32) / 1_000_000_000) as u32;
    server[40..44].copy_from_slice(&seconds.to_be_bytes());
    server[44..48].copy_from_slice(&fraction.to_be_bytes());
    sender.send_to(&server, to).unwrap();
    let report = next_report(&mut ssntp);
    assert!(
        report.starts_with("v4, mode 5, strat 2, clock difference = "),
        "{report}"
    );
    let usec = difference(&report);
    assert!(
        (500_000..500_000 + TIMEOUT.as_micros() as i64).contains(&usec),
        "{report}"
    );
}

#[test]
fn usage() {
    assert_usage([
        ("ssntp", &[][..], "usage: ssntp <IPaddress> [port]"),
        (
            "ssntp",
            &["224.0.1.1", "123", "x"][..],
            "usage: ssntp <IPaddress> [port]",
        ),
    ]);
}
