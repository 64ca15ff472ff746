//! Chapter 15: each Unix-domain program with its peer, on pathnames in a
//! per-test temporary directory (and the book's `/tmp` paths in a private
//! mount namespace), descriptor passing across processes and users, and
//! credentials the kernel vouches for.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nix::unistd::{getgid, getuid};
use unp_tests::{
    assert_dies_of_sigpipe, assert_usage, bin, client, free_port, in_netns, run_client, server,
    skip_unless_root, wait_until, Proc,
};

/// A directory of its own for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let template = std::env::temp_dir().join("unixdomain-test.XXXXXX");
        TempDir(nix::unistd::mkdtemp(&template).expect("mkdtemp"))
    }

    /// A path in the directory, as the text a program takes.
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Whether `/proc/net/unix` lists a socket bound to `path` (`@name` for an
/// abstract name) that is listening (stream) or merely bound (datagram).
fn unix_socket_bound(path: &str, listening: bool) -> bool {
    let table = fs::read_to_string("/proc/net/unix").expect("/proc/net/unix");
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // Num RefCount Protocol Flags Type St Inode Path
        fields.len() == 8 && fields[7] == path && (!listening || fields[3] == "00010000")
    })
}

/// Start the Unix-domain server `name` on `path` and wait until it
/// listens (`listening`) or is bound.
fn unix_server(name: &str, path: &str, listening: bool) -> Proc {
    let mut proc = Proc::spawn(name, &[path]);
    wait_until(&format!("{name} on {path}"), || {
        assert!(proc.is_running(), "{name} exited: {}", proc.stderr());
        unix_socket_bound(path, listening)
    });
    proc
}

fn stdout_of(name: &str, args: &[&str], input: &[u8]) -> String {
    String::from_utf8(run_client(name, args, input, "")).unwrap()
}

const LINES: &[u8] = b"hello\nworld, with a longer line\n\nlast\n";

#[test]
fn unixbind_prints_the_bound_name_and_its_length_and_can_bind_again() {
    let dir = TempDir::new();
    let path = dir.path("foo.sock");
    let expected = format!(
        "bound name = {path}, returned len = {}\n",
        2 + path.len() + 1
    );
    assert_eq!(stdout_of("unixbind", &[&path], b""), expected);
    assert!(Path::new(&path).exists(), "the socket file stays");
    // The file left behind is a socket nobody listens on: removed, bound again.
    assert_eq!(stdout_of("unixbind", &[&path], b""), expected);
}

#[test]
fn unixbind_binds_an_abstract_name_with_no_file_and_no_nul() {
    assert_eq!(
        stdout_of("unixbind", &["@unixbind-test"], b""),
        "bound name = @unixbind-test, returned len = 16\n"
    );
}

/// The C's `unlink` removes any file; here a regular file is left alone and
/// bind fails.
#[test]
fn unixbind_does_not_remove_a_regular_file() {
    let dir = TempDir::new();
    let path = dir.path("notes.txt");
    fs::write(&path, "keep me").unwrap();
    client("unixbind")
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr("bind error: Address already in use\n");
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn a_path_too_long_for_sun_path_is_an_error_not_an_overflow() {
    let long = format!("/tmp/{}", "x".repeat(120));
    for name in ["unixbind", "unixstrcli01"] {
        client(name)
            .arg(&long)
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("{long}: pathname too long\n"));
    }
}

#[test]
fn the_stream_pair_echoes_and_the_server_reaps_its_child() {
    let dir = TempDir::new();
    let path = dir.path("unix.str");
    let srv = unix_server("unixstrserv01", &path, true);
    assert_eq!(
        run_client("unixstrcli01", &[&path], LINES, ""),
        LINES.to_vec()
    );
    srv.wait_stdout(" terminated\n");
    assert!(srv.stdout().starts_with("child "), "{}", srv.stdout());
}

/// The C unlinks the pathname of a running server, and the second server
/// takes the name; here the second one fails and the first keeps serving.
#[test]
fn a_second_server_cannot_steal_the_pathname() {
    let dir = TempDir::new();
    let path = dir.path("unix.str");
    let _first = unix_server("unixstrserv01", &path, true);
    client("unixstrserv01")
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr("bind error: Address already in use\n");
    assert_eq!(
        run_client("unixstrcli01", &[&path], b"still here\n", ""),
        b"still here\n"
    );
}

#[test]
fn the_stream_pair_works_on_an_abstract_name() {
    let name = format!("@unixdomain-test-{}", std::process::id());
    let _srv = unix_server("unixstrserv01", &name, true);
    assert_eq!(
        run_client("unixstrcli01", &[&name], LINES, ""),
        LINES.to_vec()
    );
}

/// The client binds a name of its own in a private directory under
/// `$TMPDIR` and removes it at exit: nothing is left but the server's name.
#[test]
fn the_datagram_pair_echoes_and_the_client_leaves_nothing_behind() {
    let dir = TempDir::new();
    let path = dir.path("unix.dg");
    let _srv = unix_server("unixdgserv01", &path, false);
    let out = client("unixdgcli01")
        .arg(&path)
        .env("TMPDIR", &dir.0)
        .write_stdin(LINES)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, LINES);
    let left: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["unix.dg"]);
}

#[test]
fn the_datagram_client_leaves_nothing_behind_when_there_is_no_server() {
    let dir = TempDir::new();
    client("unixdgcli01")
        .arg(dir.path("no-server"))
        .env("TMPDIR", &dir.0)
        .write_stdin("lost\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr("sendto error: No such file or directory\n");
    assert_eq!(fs::read_dir(&dir.0).unwrap().count(), 0);
}

/// The book's command lines on the book's `/tmp/unix.str` and
/// `/tmp/unix.dg`, in a private mount namespace with its own `/tmp`. The
/// programs are copied out first (into a private `/dev/shm`): the build
/// may itself live under `/tmp` (a clone there), which the new `/tmp`
/// hides.
#[test]
fn the_books_command_lines_use_the_books_pathnames() {
    if skip_unless_root("unshare") {
        return;
    }
    in_netns(
        "mount -t tmpfs tmpfs /dev/shm
         cp \"$(command -v unixstrserv01)\" \"$(command -v unixstrcli01)\" \\
            \"$(command -v unixdgserv01)\" \"$(command -v unixdgcli01)\" /dev/shm/
         export PATH=/dev/shm:$PATH
         mount -t tmpfs tmpfs /tmp
         wait_socket() { for _ in $(seq 2000); do [ -S \"$1\" ] && return 0; sleep 0.01; done; return 1; }
         unixstrserv01 >/dev/null & wait_socket /tmp/unix.str
         echo stream | unixstrcli01
         unixdgserv01 & wait_socket /tmp/unix.dg
         echo datagram | unixdgcli01",
    )
    .assert()
    .success()
    .stdout("stream\ndatagram\n");
}

#[test]
fn mycat_copies_a_file_opened_by_openfile_from_any_directory() {
    let dir = TempDir::new();
    let path = dir.path("data");
    let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    fs::write(&path, &data).unwrap();
    let out = client("mycat")
        .arg(&path)
        .current_dir("/")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, data);
}

/// The child's `errno` comes back as its exit status; a directory opens,
/// and only the read fails, as in the C.
#[test]
fn mycat_reports_the_errno_openfile_exits_with() {
    let dir = TempDir::new();
    let missing = dir.path("missing");
    client("mycat")
        .arg(&missing)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "cannot open {missing}: No such file or directory\n"
        ));
    client("mycat")
        .arg(&dir.0)
        .assert()
        .code(1)
        .stdout("")
        .stderr("read error: Is a directory\n");
}

/// What descriptor passing is for: `mycat`, run as nobody, reads a file
/// only root may open, through a setuid-root copy of `openfile` that opens
/// it and passes the open descriptor back.
#[test]
fn a_descriptor_crosses_from_a_privileged_child_to_an_unprivileged_parent() {
    if skip_unless_root("setpriv") {
        return;
    }
    let dir = TempDir::new();
    fs::set_permissions(&dir.0, fs::Permissions::from_mode(0o755)).unwrap();
    let secret = dir.path("secret");
    fs::write(&secret, "root only\n").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    for name in ["mycat", "openfile"] {
        fs::copy(bin(name), dir.path(name)).unwrap();
    }
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .args(args)
            .output()
            .expect("setpriv")
    };
    // Without privilege, openfile cannot open it.
    let denied = as_nobody(&[&dir.path("mycat"), &secret]);
    assert_eq!(
        String::from_utf8_lossy(&denied.stderr),
        format!("cannot open {secret}: Permission denied\n")
    );
    // A setuid-root openfile opens it, and the descriptor crosses over.
    fs::set_permissions(dir.path("openfile"), fs::Permissions::from_mode(0o4755)).unwrap();
    assert_eq!(fs::metadata(dir.path("openfile")).unwrap().uid(), 0);
    let out = as_nobody(&[&dir.path("mycat"), &secret]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, b"root only\n");
}

#[test]
fn openfile_alone_exits_with_the_errno() {
    client("openfile")
        .args(["99", "/etc/hostname", "0"])
        .assert()
        .code(libc::EBADF)
        .stderr("");
    client("openfile")
        .args(["99", "/nonexistent", "0"])
        .assert()
        .code(libc::ENOENT)
        .stderr("");
}

/// The three lines of credentials `unixstrserv02` and `tfcred01` print.
fn cred_lines(pid: i32, uid: u32, gid: u32) -> String {
    format!("PID of sender = {pid}\nreal user ID = {uid}\nreal group ID = {gid}\n")
}

const NOBODY: u32 = 65534;

fn setpriv_nobody(name: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin(name))
        .args(args);
    cmd
}

/// Every read of the server comes with the client's PID and IDs.
#[test]
fn unixstrserv02_prints_the_credentials_of_each_clients_reads() {
    let dir = TempDir::new();
    let path = dir.path("unix.str");
    let srv = unix_server("unixstrserv02", &path, true);
    let mut cli = Proc::spawn_typed("unixstrcli01", &[&path]);
    let creds = cred_lines(cli.pid(), getuid().as_raw(), getgid().as_raw());
    cli.type_line("first\n");
    assert_eq!(cli.wait_stdout("first\n"), "first\n");
    assert_eq!(srv.wait_stdout(&creds), creds);
    cli.type_line("second\n");
    cli.wait_stdout("second\n");
    assert_eq!(srv.wait_stdout(&creds.repeat(2)), creds.repeat(2));
    cli.close_stdin();
    assert!(cli.wait_exit().success());
}

/// A client run by another user shows that user's IDs: the kernel fills
/// them in, the client sends none.
#[test]
fn unixstrserv02_sees_the_real_user_of_a_client_run_by_another_user() {
    if skip_unless_root("setpriv") {
        return;
    }
    // An abstract name: no file, so no permission for nobody to lack.
    let name = format!("@unixstrserv02-test-{}", std::process::id());
    let srv = unix_server("unixstrserv02", &name, true);
    let mut cli = Proc::start(
        &mut setpriv_nobody("unixstrcli01", &[&name]),
        Stdio::piped(),
    )
    .expect("setpriv");
    cli.type_line("from nobody\n");
    cli.wait_stdout("from nobody\n");
    let pid = cli.pid();
    let creds = cred_lines(pid, NOBODY, NOBODY);
    assert_eq!(srv.wait_stdout(&creds), creds);
}

#[test]
fn tfcred01_receives_its_own_credentials_over_a_socketpair() {
    let mut own = Proc::spawn("tfcred01", &[]);
    assert!(own.wait_exit().success());
    let expected = format!(
        "data: hello, world\n{}",
        cred_lines(own.pid(), getuid().as_raw(), getgid().as_raw())
    );
    assert_eq!(own.stdout(), expected);
    if !skip_unless_root("setpriv") {
        let mut nobody = Proc::spawn_cmd(&mut setpriv_nobody("tfcred01", &[]));
        assert!(nobody.wait_exit().success(), "{}", nobody.stderr());
        let expected = format!(
            "data: hello, world\n{}",
            cred_lines(nobody.pid(), NOBODY, NOBODY)
        );
        assert_eq!(nobody.stdout(), expected);
    }
}

#[test]
fn testfcred_prints_linuxs_structure_sizes() {
    assert_eq!(
        stdout_of("testfcred", &[], b""),
        "sizeof(struct ucred) = 12\nsizeof(struct cmsghdr) = 16\n"
    );
}

/// `tfcred01 | head -c 0` and `testfcred | head -c 0` die of SIGPIPE at
/// their first line, as the C does.
#[test]
fn they_die_of_sigpipe_when_nobody_reads_stdout() {
    for name in ["tfcred01", "testfcred"] {
        assert_dies_of_sigpipe(name, &[], b"");
    }
}

/// Credentials cannot be forged: an unprivileged sender that claims root's
/// IDs or another process's PID gets `EPERM`; what it may send, and what
/// the kernel adds when it sends nothing, are its own.
#[test]
fn an_unprivileged_sender_cannot_claim_other_credentials() {
    use nix::sys::socket::{sendmsg, ControlMessage, MsgFlags, UnixCredentials};
    use std::io::IoSlice;
    use std::os::fd::AsRawFd;

    if skip_unless_root("setresuid") {
        return;
    }
    let (sender, receiver) = UnixStream::pair().unwrap();
    socket2::SockRef::from(&receiver)
        .set_passcred(true)
        .unwrap();
    let results = std::thread::spawn(move || {
        // SAFETY: the raw system calls change the IDs of this thread only
        // (glibc's wrappers would change every thread's); the thread ends
        // right after.
        unsafe {
            assert_eq!(
                libc::syscall(libc::SYS_setresgid, NOBODY, NOBODY, NOBODY),
                0
            );
            assert_eq!(
                libc::syscall(libc::SYS_setresuid, NOBODY, NOBODY, NOBODY),
                0
            );
        }
        let pid = std::process::id() as i32;
        let send_as = |pid: i32, uid: u32, gid: u32| {
            let cred = UnixCredentials::from(libc::ucred { pid, uid, gid });
            sendmsg::<()>(
                sender.as_raw_fd(),
                &[IoSlice::new(b"x")],
                &[ControlMessage::ScmCredentials(&cred)],
                MsgFlags::empty(),
                None,
            )
        };
        let as_root = send_as(pid, 0, 0);
        let as_init = send_as(1, NOBODY, NOBODY);
        let as_self = send_as(pid, NOBODY, NOBODY);
        (as_root, as_init, as_self)
    })
    .join()
    .unwrap();
    assert_eq!(results.0, Err(nix::errno::Errno::EPERM));
    assert_eq!(results.1, Err(nix::errno::Errno::EPERM));
    assert_eq!(results.2, Ok(1));
    let mut buf = [0u8; 10];
    let (n, cred) = unixdomain::read_cred(&receiver, &mut buf).unwrap();
    assert_eq!(n, 1);
    let cred = cred.expect("credentials");
    assert_eq!((cred.uid, cred.gid), (NOBODY, NOBODY));
}

/// 26 sends, each with `MSG_EOR`, and after the client's 5-second sleep
/// one read returns all 26 bytes: TCP keeps no record boundaries.
#[test]
fn the_daytime_pair_shows_tcp_keeps_no_records() {
    let port = free_port().to_string();
    let srv = server(
        "unixdomain-daytimetcpsrv2",
        &["::1", &port],
        port.parse().unwrap(),
    );
    let out = stdout_of("unixdomain-daytimetcpcli", &["::1", &port], b"");
    let (first, second) = out.split_once('\n').unwrap();
    assert_eq!(first, "connected to ::1");
    let reply = second
        .strip_prefix("26 bytes: ")
        .unwrap_or_else(|| panic!("not one read of 26 bytes: {out:?}"));
    assert_eq!(reply.len(), 26, "{reply:?}");
    assert!(reply.ends_with("\r\n"), "{reply:?}");
    srv.wait_stdout("connection from [::1]:");
}

#[test]
fn bad_arguments_print_the_usage_line() {
    assert_usage([
        ("unixbind", &[][..], "usage: unixbind <pathname>"),
        (
            "unixstrserv01",
            &["a", "b"],
            "usage: unixstrserv01 [pathname]",
        ),
        (
            "unixstrserv02",
            &["a", "b"],
            "usage: unixstrserv02 [pathname]",
        ),
        (
            "unixstrcli01",
            &["a", "b"],
            "usage: unixstrcli01 [pathname]",
        ),
        (
            "unixdgserv01",
            &["a", "b"],
            "usage: unixdgserv01 [pathname]",
        ),
        ("unixdgcli01", &["a", "b"], "usage: unixdgcli01 [pathname]"),
        ("unixbind", &["relative.sock"], "usage: unixbind <pathname>"),
        ("unixbind", &["@"], "usage: unixbind <pathname>"),
        (
            "unixstrserv01",
            &["99999"],
            "usage: unixstrserv01 [pathname]",
        ),
        ("unixstrcli01", &[""], "usage: unixstrcli01 [pathname]"),
        (
            "unixdgserv01",
            &["unix.dg"],
            "usage: unixdgserv01 [pathname]",
        ),
        ("unixdgcli01", &["unix.dg"], "usage: unixdgcli01 [pathname]"),
        ("mycat", &[], "usage: mycat <pathname>"),
        ("openfile", &[], "openfile <sockfd#> <filename> <mode>"),
        (
            "openfile",
            &["x", "/etc/hostname", "0"],
            "openfile <sockfd#> <filename> <mode>",
        ),
        ("tfcred01", &["x"], "usage: tfcred01"),
        ("testfcred", &["x"], "usage: testfcred"),
    ]);
    // The book's usage text names daytimetcpcli and daytimetcpsrv2; the
    // line may go on to name the binary the reader typed.
    for (name, args, usage) in [
        (
            "unixdomain-daytimetcpcli",
            &["localhost"][..],
            "usage: daytimetcpcli <hostname/IPaddress> <service/port#>",
        ),
        (
            "unixdomain-daytimetcpsrv2",
            &[],
            "usage: daytimetcpsrv2 [ <host> ] <service or port>",
        ),
    ] {
        let out = client(name).args(args).assert().code(1).stdout("");
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with(usage) && stderr.ends_with('\n') && stderr.lines().count() == 1,
            "{name}: {stderr:?}"
        );
    }
}

#[test]
fn a_client_with_no_server_is_refused_or_finds_no_file() {
    let dir = TempDir::new();
    client("unixstrcli01")
        .arg(dir.path("none"))
        .assert()
        .code(1)
        .stderr("connect error: No such file or directory\n");
}
