//! test04g: several threads read one file at once with the thread-safe
//! `readline` (`threads/test04.c` linked with `threads/readline.c`,
//! the book's test of Figures 26.11–26.12).
//!
//! Each thread opens `<input-file>` five times, copies it line by line with
//! `readline` into `temp.<thread ID>` in the current directory, and prints
//! `thread <ID> done`. Each thread's `readline` buffer is its own
//! (thread-specific data), so every copy is the input five times over. The
//! main thread then waits for ever (`pause`), as in the C: stop it with
//! Ctrl-C.
//!
//! Run: `cd /tmp && test04g /etc/services 4`, then `cmp` a `temp.*` file
//! with five copies of the input.
//!
//! Differs from the C: `#threads` must be a number (the C's `atoi` takes
//! junk as 0); an input file that cannot be opened ends the program once,
//! before any thread starts (the C's threads each create their `temp.*`
//! file, then each die with `open error`); thread IDs are `pthread_t`
//! values printed in full. The
//! other binary of test04.c, test04b (the book's `readline` with one static
//! buffer for all threads, which corrupts the copies), is left out: in Rust
//! that buffer is a data race, and the unit test of `threads::readline`
//! shows what a shared buffer does, deterministically.

use std::fs::File;
use std::io::Write;
use std::sync::OnceLock;

use threads::{pthread_self, readline_or_die};
use unp::args::{arguments, Role};
use unp::{err_quit, wrap, OrDie, MAXLINE};

/// From `argv[1]`; read-only for the threads.
static INFILE: OnceLock<String> = OnceLock::new();

fn myfunc() {
    let name = format!("temp.{}", pthread_self());
    let mut fpout = File::create(&name).or_die("fopen error");

    let infile = INFILE.get().map_or("", String::as_str);
    let mut buf = Vec::new();
    for _ in 0..5 {
        let fdin = File::open(infile).or_die(format!("open error for {infile}"));
        while readline_or_die(&fdin, &mut buf, MAXLINE) > 0 {
            fpout.write_all(&buf).or_die("fputs error");
        }
        wrap::close(fdin);
    }
    wrap::close(fpout);

    unp::outln!("thread {} done", pthread_self());
}

fn main() {
    let usage = "usage: test04g <input-file> <#threads>";
    let args = arguments(usage, Role::Client);
    let [infile, nthreads] = args.as_slice() else {
        err_quit(usage);
    };
    let nthreads: usize = nthreads.parse().unwrap_or_else(|_| err_quit(usage));
    // Not in the C: an input file that cannot be opened is said once, here,
    // before any thread makes its `temp.*` file and says it again.
    drop(File::open(infile).or_die(format!("open error for {infile}")));
    INFILE.get_or_init(|| infile.clone());

    for _ in 0..nthreads {
        drop(unp::wrap::pthread_create(myfunc));
    }

    loop {
        nix::unistd::pause();
    }
}
