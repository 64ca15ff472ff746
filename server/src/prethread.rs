//! The prethreaded servers' `thread_make` (serv07, serv08, serv09:
//! `pthread07.c`, `pthread08.c`, `pthread09.c`). Each binary writes out its
//! own `main` (Figure 30.28, `serv07.c`) and `thread_main`.

use std::thread::{self, Scope};

use unp::OrDie;

/// The book's `thread_make`: start one thread of the pool, running
/// `thread_main` in `scope`, so that it may borrow the caller's listening
/// socket or lock. Dies with `pthread_create error`.
pub fn thread_make<'scope>(
    scope: &'scope Scope<'scope, '_>,
    thread_main: impl FnOnce() + Send + 'scope,
) {
    thread::Builder::new()
        .spawn_scoped(scope, thread_main)
        .or_die("pthread_create error");
}
