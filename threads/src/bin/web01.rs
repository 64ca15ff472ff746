//! web01: the web client with a thread per file, waiting with a join
//! (Figures 26.13–26.15, `threads/web01.c`).
//!
//! The home page comes first, over one blocking connection. Then up to
//! `#conns` threads run at once, each fetching one file (`do_get_read`);
//! when one ends, the next file gets a thread. The book's version waits with
//! Solaris' `thr_join(0, ...)`, "wait for any thread". `pthread_join` (and
//! std's `JoinHandle::join`) must name the thread, so this port waits for
//! the oldest one, and shows the problem of §26.9: a file that finishes
//! early is not noticed, and no new connection starts, until every file
//! started before it is done. web03 solves it with a condition variable.
//!
//! Run: `web01 3 127.0.0.1:8000 / /a.gif /b.gif /c.gif` against
//! `python3 -m http.server 8000` (port 80 without `:port`).
//!
//! Differs from the C: it joins the oldest thread, not any thread (glibc has
//! no `thr_join`); thread IDs are `pthread_t` values printed in full; the
//! host may carry a port (`host:port`, `[v6addr]:port`); `#conns` must be a
//! positive number (the C's `atoi` takes junk as 0 and then joins a thread
//! it never made).

use std::collections::VecDeque;
use std::os::unix::thread::JoinHandleExt;

use threads::{do_get_read, home_page, web_args};
use unp::err_quit;

const USAGE: &str = "usage: web01 <#conns> <IPaddr>[:port] <homepage> file1 ...";

fn main() {
    let (maxnconn, host, serv, homepage, files) = web_args(USAGE);
    let nfiles = files.len();
    unp::outln!("nfiles = {nfiles}");

    home_page(&host, &serv, &homepage);

    let mut started = vec![false; nfiles]; // the C's f_flags != 0
    let mut running = VecDeque::new(); // the threads, oldest first
    let (mut nlefttoread, mut nlefttoconn, mut nconn) = (nfiles, nfiles, 0);
    while nlefttoread > 0 {
        while nconn < maxnconn && nlefttoconn > 0 {
            // find a file to read
            let Some(i) = started.iter().position(|&s| !s) else {
                err_quit(format!("nlefttoconn = {nlefttoconn} but nothing found"));
            };
            started[i] = true;
            let (host, serv, name) = (host.clone(), serv.clone(), files[i].clone());
            let tid = unp::wrap::pthread_create(move || {
                do_get_read(&host, &serv, &name);
                i
            });
            running.push_back(tid);
            nconn += 1;
            nlefttoconn -= 1;
        }

        // pthread_join names its thread: wait for the oldest
        let Some(tid) = running.pop_front() else {
            err_quit("pthread_join error: no thread to join");
        };
        let id = tid.as_pthread_t();
        let i = tid
            .join()
            .unwrap_or_else(|_| err_quit("pthread_join error"));

        nconn -= 1;
        nlefttoread -= 1;
        unp::outln!("thread id {id} for {} done", files[i]);
    }

    std::process::exit(0);
}
