//! The designs after the book survive running out of descriptors: they
//! stop accepting, say so, and serve new clients once old ones leave
//! (`unp_tests::descriptors`). serv13's children must not die at the limit
//! (they would stay zombies while the parent keeps the port).

use unp_tests::descriptors::survives_running_out;
use unp_tests::process_group;

/// One request of the chapter's protocol, and its answer.
const REQUEST: &[u8] = b"10\n";
const REPLY: [u8; 10] = [0; 10];

#[test]
fn serv10() {
    survives_running_out("serv10", &["127.0.0.1", "{port}"], REQUEST, &REPLY);
}

#[test]
fn serv11() {
    survives_running_out("serv11", &["127.0.0.1", "{port}", "2"], REQUEST, &REPLY);
}

#[test]
fn serv12() {
    survives_running_out("serv12", &["127.0.0.1", "{port}", "2"], REQUEST, &REPLY);
}

#[test]
fn serv13_children_live_on() {
    let proc = survives_running_out("serv13", &["127.0.0.1", "{port}", "2"], REQUEST, &REPLY);
    let group = process_group(proc.pid());
    assert_eq!(group.len(), 3, "parent and two children: {group:?}");
    assert!(group.iter().all(|&(_, state)| state != 'Z'), "{group:?}");
}

#[test]
fn serv14() {
    survives_running_out("serv14", &["127.0.0.1", "{port}"], REQUEST, &REPLY);
}
