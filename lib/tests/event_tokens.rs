//! Tokens, not descriptors, name a loop's registrations: the one test of
//! `unp::event` that needs a descriptor number to be reused, alone in its
//! own test binary so that no other test's thread takes that number first.

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;

use socket2::Socket;
use unp::event::{inbox, Backend, Handler, Inbox, Interest, Reactor, Ready, Token};

const ALL: [Backend; 3] = [Backend::Select, Backend::Poll, Backend::Epoll];

fn nonblocking_pair() -> (Socket, UnixStream) {
    let (ours, peer) = UnixStream::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    (Socket::from(OwnedFd::from(ours)), peer)
}

/// A server's own handler type: a connection reached by token from the
/// inbox's handler, as a worker's reply reaches it; the reply for a
/// token that has gone is dropped, even though a new connection got the
/// same descriptor number.
#[test]
fn replies_by_token_reach_only_their_connection() {
    enum Watched {
        Replies(Inbox<(Token, &'static [u8])>),
        Conn(Socket),
    }
    impl Handler for Watched {
        fn ready(&mut self, reactor: &mut Reactor<Watched>, _: Token, _: Ready) {
            let Watched::Replies(inbox) = self else {
                return;
            };
            for (token, reply) in inbox.drain() {
                reactor.visit(token, |conn, reactor| {
                    if let Watched::Conn(sock) = conn {
                        (&*sock).write_all(reply).unwrap();
                    }
                    reactor.stop();
                });
            }
        }
    }
    for backend in ALL {
        let mut reactor = Reactor::new(backend).unwrap();
        let (post, replies) = inbox().unwrap();
        let fd = replies.as_fd().as_raw_fd();
        reactor
            .register(fd, Interest::READ, Watched::Replies(replies))
            .unwrap();
        let (old, _old_peer) = nonblocking_pair();
        let old_fd = old.as_raw_fd();
        let old_token = reactor
            .register(old_fd, Interest::NONE, Watched::Conn(old))
            .unwrap();
        reactor.deregister(old_token);
        let (new, mut new_peer) = nonblocking_pair();
        assert_eq!(new.as_raw_fd(), old_fd, "the descriptor is reused");
        let new_token = reactor
            .register(old_fd, Interest::NONE, Watched::Conn(new))
            .unwrap();
        assert_ne!(new_token, old_token);
        let worker = std::thread::spawn(move || {
            post.send((old_token, b"late")).unwrap();
            post.send((new_token, b"mine")).unwrap();
        });
        reactor.run().unwrap();
        worker.join().unwrap();
        let mut answer = [0u8; 4];
        new_peer.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"mine", "{backend}");
    }
}
