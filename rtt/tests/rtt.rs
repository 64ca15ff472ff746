//! Chapter 22 tests: rtt-udpcli01 talks to the echo server udpserv01
//! through the harness's [`UdpRelay`], whose plan drops, holds back or
//! duplicates given datagrams: what the client prints on stderr (each
//! transmission with the estimator's values, each datagram read, each
//! timeout) and the headers the relay saw show the retransmissions, the
//! exponential backoff, the RTT sample of a retransmitted request, stale
//! replies dropped by sequence number, and the client giving up.
//!
//! Timing is checked only by lower bounds that cannot fail: the timestamps
//! the client puts in its own headers (milliseconds on its monotonic
//! clock) are at least the RTO apart, since a timeout never comes early.
//! The one upper bound (a retransmission's own RTT is under the 3 s since
//! the first transmission) has a whole RTO of margin over a loopback echo.

use std::time::Duration;

use unp_tests::{
    assert_usage, free_port, in_netns, skip_unless_root, udp_server, Direction, Fate, Plan, Proc,
    Relayed, UdpRelay,
};

/// What the client printed on stderr, line by line.
#[derive(Debug, PartialEq)]
enum Event {
    /// `send %4d: rtt = ..., srtt = ..., rttvar = ..., rto = ...`.
    Send { seq: u32, values: [f32; 4] },
    /// `recv %4d`.
    Recv(u32),
    /// `dg_send_recv: timeout, retransmitting`.
    Timeout,
    /// Any other line.
    Line(String),
}

fn events(stderr: &str) -> Vec<Event> {
    stderr.lines().map(event).collect()
}

fn event(line: &str) -> Event {
    if line == "dg_send_recv: timeout, retransmitting" {
        return Event::Timeout;
    }
    if let Some(seq) = line.strip_prefix("recv ") {
        return Event::Recv(seq.trim().parse().unwrap());
    }
    let Some((seq, values)) = line.strip_prefix("send ").and_then(|s| s.split_once(": ")) else {
        return Event::Line(line.to_string());
    };
    let values: Vec<f32> = values
        .split(", ")
        .map(|field| field.split(" = ").nth(1).unwrap().parse().unwrap())
        .collect();
    Event::Send {
        seq: seq.trim().parse().unwrap(),
        values: values.try_into().unwrap(),
    }
}

/// The estimator's values a `send` line printed: rtt, srtt, rttvar, rto.
fn values(event: &Event) -> [f32; 4] {
    match event {
        Event::Send { values, .. } => *values,
        other => panic!("not a send line: {other:?}"),
    }
}

/// A send line's sequence number, or `None` for another line.
fn send_seq(event: &Event) -> Option<u32> {
    match event {
        Event::Send { seq, .. } => Some(*seq),
        _ => None,
    }
}

/// The events as short words (`send 1`, `recv 1`, `timeout`), the
/// estimator's values left out.
fn shape(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::Send { seq, .. } => format!("send {seq}"),
            Event::Recv(seq) => format!("recv {seq}"),
            Event::Timeout => "timeout".to_string(),
            Event::Line(line) => line.clone(),
        })
        .collect()
}

/// The header of a datagram the relay saw: sequence number and timestamp
/// (host byte order, as the client sends it).
fn header(relayed: &Relayed) -> (u32, u32) {
    let word = |at: usize| u32::from_ne_bytes(relayed.data[at..at + 4].try_into().unwrap());
    (word(0), word(4))
}

/// The values a fresh estimator prints before its first measurement.
const FIRST: [f32; 4] = [0.0, 0.0, 0.75, 3.0];

/// The client's run: its stdout, stderr and exit code.
struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// udpserv01 behind a relay with `plan`; rtt-udpcli01 sends it `input`
/// and must exit within `within`.
fn run(plan: Plan, input: &str, within: Duration) -> (Run, UdpRelay) {
    let port = free_port();
    let _server = udp_server("udpserv01", &[&port.to_string()], port);
    let relay = UdpRelay::start(([127, 0, 0, 1], port).into(), plan).unwrap();
    let relay_port = relay.addr().port().to_string();
    let mut client = Proc::spawn_typed("rtt-udpcli01", &["127.0.0.1", &relay_port]);
    client.write_stdin(input.as_bytes()).unwrap();
    client.close_stdin();
    let status = client.wait_exit_within(within).unwrap_or_else(|err| {
        panic!("{err}: stderr so far {:?}", client.stderr());
    });
    let run = Run {
        stdout: client.stdout(),
        stderr: client.stderr(),
        code: status.code(),
    };
    (run, relay)
}

/// Whether two printed values agree to the printed precision.
fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 0.0015
}

/// No loss, each reply 100 ms late: each line once, each request answered
/// on the first try, each RTT at least 0.1 s, and each `send` line shows
/// Jacobson's update of the one before from the RTT it printed (srtt +=
/// delta/8, rttvar += (|delta| - rttvar)/4, RTO clamped to at least 2 s).
#[test]
fn every_line_is_echoed_and_the_estimator_learns_from_each_reply() {
    let (run, relay) = run(
        Plan::new().every(Direction::Reply, Fate::Delay(Duration::from_millis(100))),
        "one\ntwo\nthree\nfour\n",
        Duration::from_secs(20),
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "one\ntwo\nthree\nfour\n")
    );
    let events = events(&run.stderr);
    let seqs: Vec<_> = events.iter().map(|e| send_seq(e).unwrap_or(0)).collect();
    assert_eq!(seqs, [1, 0, 2, 0, 3, 0, 4, 0], "{}", run.stderr);
    for (i, pair) in events.chunks(2).enumerate() {
        assert_eq!(pair[1], Event::Recv(i as u32 + 1), "{}", run.stderr);
    }
    assert_eq!(values(&events[0]), FIRST);

    // The book's update, written out here (not the library's code).
    let (mut srtt, mut rttvar) = (0.0f64, 0.75f64);
    for send in events.iter().step_by(2).skip(1) {
        let [rtt, printed_srtt, printed_rttvar, printed_rto] = values(send);
        assert!(rtt >= 0.1, "the relay's 100 ms: {send:?}");
        let delta = f64::from(rtt) - srtt;
        srtt += delta / 8.0;
        rttvar += (delta.abs() - rttvar) / 4.0;
        let rto = (srtt + 4.0 * rttvar).clamp(2.0, 60.0);
        assert!(
            close(printed_srtt, srtt as f32)
                && close(printed_rttvar, rttvar as f32)
                && close(printed_rto, rto as f32),
            "{send:?} is not the update of the line before: srtt {srtt}, rttvar {rttvar}, rto {rto}"
        );
    }

    let requests: Vec<_> = relay.requests().iter().map(header).collect();
    assert_eq!(
        requests.iter().map(|h| h.0).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(&relay.requests()[0].data[8..], b"one\n");
}

/// The 1st and 3rd requests are lost: each is sent again, with the same
/// sequence number and a new timestamp at least an RTO later (3 s before
/// any measurement; then the estimator's RTO, doubled on the timeout).
/// The reply to the retransmission gives the RTT of the retransmission
/// (its echoed timestamp), not the time since the first transmission.
#[test]
fn a_lost_request_is_sent_again_after_its_timeout() {
    let plan = Plan::new().request(1, Fate::Drop).request(3, Fate::Drop);
    let (run, relay) = run(plan, "one\ntwo\n", Duration::from_secs(40));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "one\ntwo\n"));
    let events = events(&run.stderr);
    assert_eq!(
        shape(&events),
        ["send 1", "timeout", "send 1", "recv 1", "send 2", "timeout", "send 2", "recv 2"],
        "{}",
        run.stderr
    );
    assert_eq!(values(&events[0]), FIRST);
    assert_eq!(values(&events[2])[3], 6.0, "the RTO doubled");
    let [rtt, _, _, rto] = values(&events[4]);
    assert!(
        rtt < 3.0,
        "the retransmission's own RTT, not 3 s and more: {rtt}"
    );
    let doubled = values(&events[6])[3];
    assert!(close(doubled, 2.0 * rto), "{rto} doubled is {doubled}");

    let requests: Vec<_> = relay.requests().iter().map(header).collect();
    assert_eq!(
        requests.iter().map(|h| h.0).collect::<Vec<_>>(),
        [1, 1, 2, 2]
    );
    assert!(requests[1].1 - requests[0].1 >= 3000, "{requests:?}");
    let wait = (rto + 0.5).floor() as u32 * 1000; // rtt_start: whole seconds
    assert!(
        requests[3].1 - requests[2].1 >= wait,
        "{requests:?}, rto {rto}"
    );
}

/// The first reply is held back until the client, having timed out,
/// retransmits: the late reply answers the request (same sequence number)
/// and its echoed timestamp, the first transmission's, gives an RTT of at
/// least the 3 s it waited; the reply to the retransmission then arrives
/// while the client waits for its second request's, and is read and
/// dropped by its sequence number. Each line is printed once.
#[test]
fn a_late_reply_is_taken_and_the_later_copy_dropped_by_sequence_number() {
    let plan = Plan::new().reply(1, Fate::Hold);
    let (run, relay) = run(plan, "one\ntwo\n", Duration::from_secs(40));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "one\ntwo\n"));
    let events = events(&run.stderr);
    assert_eq!(
        shape(&events),
        ["send 1", "timeout", "send 1", "recv 1", "send 2", "recv 1", "recv 2"],
        "{}",
        run.stderr
    );
    let rtt = values(&events[4])[0];
    assert!(rtt >= 3.0, "the first transmission's RTT: {rtt}");

    let log = relay.log();
    let first_request = header(&log[0]);
    let held = log
        .iter()
        .find(|r| r.direction == Direction::Reply && r.fate == Fate::Hold)
        .unwrap();
    assert_eq!(header(held), first_request, "the echo of the first request");
}

/// A reply delivered twice: the copy is read while the client waits for
/// its next reply, and dropped.
#[test]
fn a_duplicated_reply_is_dropped_by_sequence_number() {
    let plan = Plan::new().reply(1, Fate::Duplicate);
    let (run, _relay) = run(plan, "one\ntwo\n", Duration::from_secs(20));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "one\ntwo\n"));
    assert_eq!(
        shape(&events(&run.stderr)),
        ["send 1", "recv 1", "send 2", "recv 1", "recv 2"],
        "{}",
        run.stderr
    );
}

/// A server that never answers: four transmissions, 3, 6, 12 and 24 s
/// apart at least (the RTO doubling, unclamped), then the book's two
/// messages and exit 1. About 45 s.
#[test]
fn with_no_reply_it_backs_off_and_gives_up_after_three_retransmissions() {
    let plan = Plan::new().every(Direction::Request, Fate::Drop);
    let (run, relay) = run(plan, "one\n", Duration::from_secs(120));
    let send = |rto| format!("send    1: rtt = 0.000, srtt = 0.000, rttvar = 0.750, rto = {rto}\n");
    let timeout = "dg_send_recv: timeout, retransmitting\n";
    assert_eq!(
        run.stderr,
        [
            send("3.000"),
            timeout.into(),
            send("6.000"),
            timeout.into(),
            send("12.000"),
            timeout.into(),
            send("24.000"),
            "dg_send_recv: no response from server, giving up\n".into(),
            "dg_send_recv error\n".into(),
        ]
        .concat()
    );
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""));

    let requests: Vec<_> = relay.requests().iter().map(header).collect();
    assert_eq!(
        requests.iter().map(|h| h.0).collect::<Vec<_>>(),
        [1, 1, 1, 1]
    );
    for (pair, rto) in requests.windows(2).zip([3000, 6000, 12000]) {
        assert!(pair[1].1 - pair[0].1 >= rto, "{requests:?}");
    }
}

/// The book's command line: port 7, the echo port, in a namespace of the
/// test's own.
#[test]
fn udpcli01_talks_to_the_echo_port_by_default() {
    if skip_unless_root("unshare") {
        return;
    }
    let out = in_netns(
        "udpserv01 7 &
         wait_udp 7
         echo hello | rtt-udpcli01 127.0.0.1 2>/dev/null",
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
}

#[test]
fn bad_arguments_print_one_line_and_exit_1() {
    let usage = "usage: udpcli <IPaddress> [port]";
    assert_usage([
        ("rtt-udpcli01", &[][..], usage.to_string()),
        (
            "rtt-udpcli01",
            &["127.0.0.1", "7", "x"][..],
            usage.to_string(),
        ),
        (
            "rtt-udpcli01",
            &["127.0.0.1", "port"][..],
            usage.to_string(),
        ),
        (
            "rtt-udpcli01",
            &["nowhere"][..],
            "inet_pton error for nowhere".to_string(),
        ),
    ]);
}
