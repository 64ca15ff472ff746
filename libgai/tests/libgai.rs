//! libgai/: testga's options and output over glibc's getaddrinfo, the
//! book's Unix-domain extension, and test1's resolver check. Without root,
//! literals and numbers only; the named cases (`-e`'s table needs `ftp`,
//! `telnet` and `tftp` in `/etc/services`, `-v` a reverse name) run as root
//! in a namespace with their own `/etc/hosts`, `/etc/services` and a
//! files-only `/etc/nsswitch.conf`.

use unp_tests::{assert_usage, client, in_netns, run_client, skip_unless_root};

fn testga(args: &[&str]) -> String {
    String::from_utf8_lossy(&run_client("testga", args, b"", "")).into_owned()
}

#[test]
fn each_result_is_the_socket_call_it_is_for_and_its_address() {
    assert_eq!(
        testga(&[
            "-f",
            "inet",
            "-t",
            "stream",
            "-h",
            "127.0.0.1",
            "-s",
            "13",
            "-c"
        ]),
        "\nsocket(AF_INET, SOCK_STREAM, 6), ai_canonname = 127.0.0.1\n\taddress: 127.0.0.1:13\n"
    );
    assert_eq!(
        testga(&["-finet6", "-tdgram", "-h::1", "-s40013", "-r", "17"]),
        "\nsocket(AF_INET6, SOCK_DGRAM, 17)\n\taddress: [::1]:40013\n"
    );
    // AI_PASSIVE and no host: the wildcard, to bind.
    assert_eq!(
        testga(&["-p", "-f", "inet6", "-t", "stream", "-s", "40013"]),
        "\nsocket(AF_INET6, SOCK_STREAM, 6)\n\taddress: [::]:40013\n"
    );
    // No socket type: a result per type glibc knows, raw included, whose
    // protocol 0 no socket takes (EPROTONOSUPPORT as root, EPERM without).
    assert_eq!(
        testga(&["-f", "inet", "-h", "127.0.0.1", "-s", "40013"]),
        "\nsocket(AF_INET, SOCK_STREAM, 6)\n\taddress: 127.0.0.1:40013\n\
         \nsocket(AF_INET, SOCK_DGRAM, 17)\n\taddress: 127.0.0.1:40013\n\
         \nsocket(AF_INET, SOCK_RAW, 0)\n\taddress: 127.0.0.1:40013\n\
         call to socket() failed!\n"
    );
    // -l: the results once, then a count every 1000 lookups.
    assert_eq!(
        testga(&["-l", "2000", "-t", "stream", "-h", "127.0.0.1", "-s", "7"]),
        "\nsocket(AF_INET, SOCK_STREAM, 6)\n\taddress: 127.0.0.1:7\n 1000 2000"
    );
}

#[test]
fn a_pathname_gives_unix_domain_results_as_libgai_did() {
    assert_eq!(
        testga(&["-h", "/local", "-s", "/tmp/testga.sock"]),
        "\nsocket(AF_LOCAL, SOCK_STREAM, 0)\n\taddress: /tmp/testga.sock\n\
         \nsocket(AF_LOCAL, SOCK_DGRAM, 0)\n\taddress: /tmp/testga.sock\n"
    );
    assert_eq!(
        testga(&["-h", "/unix", "-s", "/tmp/testga.sock", "-t", "dgram"]),
        "\nsocket(AF_LOCAL, SOCK_DGRAM, 0)\n\taddress: /tmp/testga.sock\n"
    );
    // glibc alone has no Unix-domain lookups.
    client("testga")
        .args(["-f", "unix", "-h", "127.0.0.1", "-s", "7"])
        .assert()
        .code(1)
        .stderr("")
        .stdout("getaddrinfo return code = -6 (ai_family not supported)\n");
}

#[test]
fn bad_options_print_the_help_and_one_line() {
    for (args, line) in [
        (&[][..], "usage: testaddrinfo [ options ]"),
        (
            &["-q"][..],
            "usage: testaddrinfo [ options ]: unrecognized option",
        ),
        (
            &["-f", "ipx"][..],
            "usage: testaddrinfo [ options ]: invalid -f option",
        ),
        (
            &["-t", "packet"][..],
            "usage: testaddrinfo [ options ]: invalid -t option",
        ),
        (
            &["-h", "127.0.0.1", "extra"][..],
            "usage: testaddrinfo [ options ]: extra args",
        ),
        (
            &["-s"][..],
            "usage: testaddrinfo [ options ]: unrecognized option",
        ),
    ] {
        let out = client("testga").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("{line}   (this is testga)\n"),
            "{args:?}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with(
                "usage: testaddrinfo [ options ]   (this is testga)\noptions: -h <host>"
            ),
            "{stdout}"
        );
        assert!(stdout.ends_with("must be specified.\n"), "{stdout}");
    }
    assert_usage([
        ("libgai-test1", &[][..], "usage: test2 <IPaddress>"),
        ("libgai-test1", &["a", "b"][..], "usage: test2 <IPaddress>"),
        (
            "libgai-test1",
            &["localhost"][..],
            "inet_pton error for localhost",
        ),
    ]);
}

#[test]
fn a_literal_of_one_family_is_not_found_for_the_other() {
    let test1 =
        |addr| String::from_utf8_lossy(&run_client("libgai-test1", &[addr], b"", "")).into_owned();
    assert_eq!(
        test1("127.0.0.1"),
        "gethostbyname2(127.0.0.1, AF_INET): OK\ngethostbyname2(127.0.0.1, AF_INET6): failed\n"
    );
    assert_eq!(
        test1("::1"),
        "gethostbyname2(::1, AF_INET): failed\ngethostbyname2(::1, AF_INET6): OK\n"
    );
}

/// `script` in a namespace whose /etc has its own hosts, services and a
/// files-only nsswitch.conf.
fn with_name_files(script: &str) -> assert_cmd::Command {
    in_netns(&format!(
        r#"d=$(mktemp -d)
printf '127.0.0.1 localhost\n' > "$d/hosts"
printf 'ftp 21/tcp\ntelnet 23/tcp\ndaytime 13/tcp\ndaytime 13/udp\ntftp 69/udp\n' > "$d/services"
printf 'hosts: files\nservices: files\nprotocols: files\n' > "$d/nsswitch.conf"
for f in hosts services nsswitch.conf; do mount --bind "$d/$f" "/etc/$f"; done
rm -rf "$d"
{script}"#
    ))
}

#[test]
fn names_and_the_error_table_against_glibc() {
    if skip_unless_root("unshare, mount") {
        return;
    }
    with_name_files("testga -v -f inet -t stream -h localhost -s daytime -c")
        .assert()
        .success()
        .stderr("")
        .stdout(
            "host = localhost\nserv = daytime\n\
             \nsocket(AF_INET, SOCK_STREAM, 6), ai_canonname = localhost\n\
             \taddress: 127.0.0.1:13\n\tgetnameinfo: host = localhost, serv = daytime\n",
        );
    // The book's table of error cases: glibc differs on the unknown
    // service with no host, and the table stops there.
    with_name_files("testga -e")
        .assert()
        .code(2)
        .stderr("")
        .stdout(
            "expected return = -2 (Name or service not known),\n\
             actual return = -8 (Servname not supported for ai_socktype)\n\
             \x20 serv = nosuchservice\n\
             \x20 flags = 0, family = <unknown family>, socktype = <unknown socktype>, protocol = 0\n",
        );
}
