//! web02: the web client with a thread per file, polling a counter
//! (`threads/web02.c`, the step between Figures 26.15 and 26.19).
//!
//! Each thread, once its file is read, marks it `F_DONE` and counts itself
//! in `ndone` under `ndone_mutex`. The main thread loops: take the mutex,
//! join every thread marked done, release it, and round again. It works,
//! but the main thread never sleeps: it spins on the mutex, which is why
//! the book's comment says it "doesn't work right" unless the loop calls
//! `thr_yield()`, and why web03 waits on a condition variable instead.
//!
//! Run: `web02 3 127.0.0.1:8000 / /a.gif /b.gif /c.gif` against
//! `python3 -m http.server 8000` (port 80 without `:port`).
//!
//! Differs from the C: `thr_yield` is `std::thread::yield_now`
//! (`sched_yield`); the flags live under the mutex; thread IDs are
//! `pthread_t` values printed in full; the host may carry a port; `#conns`
//! must be a positive number.

use std::os::unix::thread::JoinHandleExt;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use threads::{do_get_read, home_page, web_args};
use unp::err_quit;

const USAGE: &str = "usage: web02 <#conns> <IPaddr>[:port] <homepage> file1 ...";

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

    let ndone_mutex = Arc::new(Mutex::new(Ndone {
        ndone: 0,
        flags: vec![0; nfiles],
    }));
    let mut tids: Vec<Option<thread::JoinHandle<usize>>> = (0..nfiles).map(|_| None).collect();
    let (mut nlefttoread, mut nlefttoconn, mut nconn) = (nfiles, nfiles, 0);
    while nlefttoread > 0 {
        while nconn < maxnconn && nlefttoconn > 0 {
            // find a file to read
            let mut state = ndone_mutex.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(i) = state.flags.iter().position(|&f| f == 0) else {
                err_quit(format!("nlefttoconn = {nlefttoconn} but nothing found"));
            };
            state.flags[i] = F_CONNECTING;
            drop(state);

            let (host, serv, name) = (host.clone(), serv.clone(), files[i].clone());
            let done = Arc::clone(&ndone_mutex);
            let tid = unp::wrap::pthread_create(move || {
                do_get_read(&host, &serv, &name);
                let mut state = done.lock().unwrap_or_else(PoisonError::into_inner);
                state.flags[i] = F_DONE;
                state.ndone += 1;
                i
            });
            unp::outln!("created thread {}", tid.as_pthread_t());
            tids[i] = Some(tid);
            nconn += 1;
            nlefttoconn -= 1;
        }
        thread::yield_now();

        // See if one of the threads is done
        let mut state = ndone_mutex.lock().unwrap_or_else(PoisonError::into_inner);
        if state.ndone > 0 {
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
                    unp::outln!("thread id {id} for {} done", files[i]);
                }
            }
        }
        drop(state);
    }

    std::process::exit(0);
}
