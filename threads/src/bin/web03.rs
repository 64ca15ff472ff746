//! web03: the web client with a thread per file, waiting on a condition
//! variable (Figures 26.19–26.20, `threads/web03.c`).
//!
//! As web01, but each thread, once its file is read, marks it `F_DONE`,
//! counts itself in `ndone` and signals `ndone_cond`, all under
//! `ndone_mutex`. The main thread waits on the condition variable while
//! `ndone` is 0 (the wait releases the mutex and takes it back before
//! returning), then joins every thread marked done, whichever it is: the
//! "wait for any thread" that `pthread_join` lacks (§26.9). A file that
//! finishes early frees its connection slot at once.
//!
//! Run: `web03 3 127.0.0.1:8000 / /a.gif /b.gif /c.gif` against
//! `python3 -m http.server 8000` (port 80 without `:port`).
//!
//! Differs from the C: the flags live under the mutex (the C reads and
//! writes `f_flags` from several threads without it); the thread's
//! `F_READING` step is not recorded (nothing reads it); a poisoned mutex
//! (a thread that panicked) is used as it is; thread IDs are `pthread_t`
//! values printed in full; the host may carry a port; `#conns` must be a
//! positive number. The C includes Solaris' `<thread.h>` and does not
//! compile on Linux without that line removed.

use std::os::unix::thread::JoinHandleExt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;

use threads::{do_get_read, home_page, web_args};
use unp::err_quit;

const USAGE: &str = "usage: web03 <#conns> <IPaddr>[:port] <homepage> file1 ...";

const F_CONNECTING: u8 = 1; // connect() in progress
const F_DONE: u8 = 4; // all done
const F_JOINED: u8 = 8; // main has pthread_join'ed

/// What `ndone_mutex` guards: the count of threads done and not yet joined,
/// and each file's flags.
struct Ndone {
    ndone: usize,
    flags: Vec<u8>,
}

fn main() {
    let (maxnconn, host, serv, homepage, files) = web_args(USAGE);
    let nfiles = files.len();
    unp::outln!("nfiles = {nfiles}");

    home_page(&host, &serv, &homepage);

    let ndone = Mutex::new(Ndone {
        ndone: 0,
        flags: vec![0; nfiles],
    });
    let shared = Arc::new((ndone, Condvar::new()));
    let mut tids: Vec<Option<thread::JoinHandle<usize>>> = (0..nfiles).map(|_| None).collect();
    let (mut nlefttoread, mut nlefttoconn, mut nconn) = (nfiles, nfiles, 0);
    while nlefttoread > 0 {
        while nconn < maxnconn && nlefttoconn > 0 {
            // find a file to read
            let mut state = shared.0.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(i) = state.flags.iter().position(|&f| f == 0) else {
                err_quit(format!("nlefttoconn = {nlefttoconn} but nothing found"));
            };
            state.flags[i] = F_CONNECTING;
            drop(state);

            let (host, serv, name) = (host.clone(), serv.clone(), files[i].clone());
            let done = Arc::clone(&shared);
            let tid = unp::wrap::pthread_create(move || {
                do_get_read(&host, &serv, &name);
                let (ndone_mutex, ndone_cond) = &*done;
                let mut state = ndone_mutex.lock().unwrap_or_else(PoisonError::into_inner);
                state.flags[i] = F_DONE;
                state.ndone += 1;
                ndone_cond.notify_one();
                i
            });
            tids[i] = Some(tid);
            nconn += 1;
            nlefttoconn -= 1;
        }

        // Wait for thread to terminate
        let (ndone_mutex, ndone_cond) = &*shared;
        let mut state = ndone_mutex.lock().unwrap_or_else(PoisonError::into_inner);
        while state.ndone == 0 {
            state = ndone_cond
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }

        for i in 0..nfiles {
            if state.flags[i] & F_DONE != 0 {
                let Some(tid) = tids[i].take() else {
                    err_quit("file[i] != fptr");
                };
                let id = tid.as_pthread_t();
                let fptr = tid
                    .join()
                    .unwrap_or_else(|_| err_quit("pthread_join error"));
                if fptr != i {
                    err_quit("file[i] != fptr");
                }
                state.flags[i] = F_JOINED; // clears F_DONE
                state.ndone -= 1;
                nconn -= 1;
                nlefttoread -= 1;
                unp::outln!("thread {id} for {} done", files[i]);
            }
        }
        drop(state);
    }

    std::process::exit(0);
}
