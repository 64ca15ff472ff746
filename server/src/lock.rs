//! The two locks the preforked servers put around `accept`: `fcntl` record
//! locking (`server/lock_fcntl.c`, §30.7, serv03) and a process-shared
//! pthread mutex (`server/lock_pthread.c`, §30.8, serv04). Both keep the
//! book's names, `my_lock_wait` and `my_lock_release`.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg};
use unp::{err_sys, OrDie};

use crate::meter::map_shared;

/// A lock that only one process may hold at a time, taken around `accept`.
pub trait AcceptLock {
    /// Block until this process holds the lock.
    fn my_lock_wait(&self);
    /// Let the next process have it.
    fn my_lock_release(&self);
}

/// A write lock on a whole file, by
/// [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
/// `F_SETLKW`. Record locks belong to a process and are not inherited by
/// `fork`, so the children of one parent exclude each other on the one file.
pub struct FcntlLock {
    file: File,
}

impl FcntlLock {
    /// The book's `my_lock_init("/tmp/lock.XXXXXX")`: a lock file in `dir`
    /// that has no name, so nothing is left behind. The C makes it with
    /// `mkstemp` and `unlink`s it at once; `O_TMPFILE` makes a nameless file
    /// in one call. Dies with `open error for <dir>`.
    pub fn my_lock_init(dir: &str) -> FcntlLock {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
            .or_die(format!("open error for {dir}"));
        FcntlLock { file }
    }

    fn set(&self, lock_type: libc::c_int) -> nix::Result<libc::c_int> {
        // SAFETY: flock is plain data; all-zero is a valid value to fill in.
        let mut whole_file: libc::flock = unsafe { std::mem::zeroed() };
        whole_file.l_type = lock_type as libc::c_short;
        whole_file.l_whence = libc::SEEK_SET as libc::c_short;
        fcntl(&self.file, FcntlArg::F_SETLKW(&whole_file))
    }
}

impl AcceptLock for FcntlLock {
    /// `F_SETLKW` with `F_WRLCK`, retried on `EINTR`; dies with
    /// `fcntl error for my_lock_wait`.
    fn my_lock_wait(&self) {
        loop {
            match self.set(libc::F_WRLCK) {
                Ok(_) => return,
                Err(Errno::EINTR) => continue,
                Err(err) => err_sys(&err.into(), "fcntl error for my_lock_wait"),
            }
        }
    }

    /// `F_SETLKW` with `F_UNLCK`; dies with `fcntl error for my_lock_release`.
    fn my_lock_release(&self) {
        self.set(libc::F_UNLCK)
            .or_die("fcntl error for my_lock_release");
    }
}

/// A pthread mutex in shared memory, initialised `PTHREAD_PROCESS_SHARED`
/// ([`pthread_mutexattr_setpshared(3)`](https://man7.org/linux/man-pages/man3/pthread_mutexattr_setpshared.3.html)),
/// so the children that inherit the mapping exclude each other with it.
/// Locking it costs no system call while nobody else holds it (a futex).
///
/// A child that dies holding it leaves it locked for ever (the book's
/// servers only kill children when they stop; a robust mutex,
/// `PTHREAD_MUTEX_ROBUST`, would tell the next locker).
pub struct PthreadLock {
    mutex: *mut libc::pthread_mutex_t,
}

/// The book's `Pthread_*` wrappers: the call returns the error number.
fn pthread_or_die(rc: libc::c_int, what: &str) {
    if rc != 0 {
        err_sys(
            &std::io::Error::from_raw_os_error(rc),
            format!("{what} error"),
        );
    }
}

impl PthreadLock {
    /// The book's `my_lock_init(NULL)` of `lock_pthread.c`: map shared
    /// memory and initialise the mutex in it. Dies with `mmap error` or
    /// `pthread_mutex_init error`.
    pub fn my_lock_init() -> PthreadLock {
        let mutex = map_shared(std::mem::size_of::<libc::pthread_mutex_t>())
            .as_ptr()
            .cast::<libc::pthread_mutex_t>();
        // SAFETY: `attr` is initialised before use and destroyed after;
        // `mutex` points to a fresh, suitably aligned (page-aligned) mapping
        // of the right size that nothing else uses yet.
        unsafe {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
            pthread_or_die(
                libc::pthread_mutexattr_init(attr.as_mut_ptr()),
                "pthread_mutexattr_init",
            );
            pthread_or_die(
                libc::pthread_mutexattr_setpshared(attr.as_mut_ptr(), libc::PTHREAD_PROCESS_SHARED),
                "pthread_mutexattr_setpshared",
            );
            pthread_or_die(
                libc::pthread_mutex_init(mutex, attr.as_ptr()),
                "pthread_mutex_init",
            );
            libc::pthread_mutexattr_destroy(attr.as_mut_ptr());
        }
        PthreadLock { mutex }
    }
}

impl AcceptLock for PthreadLock {
    /// `pthread_mutex_lock`; dies with `pthread_mutex_lock error`.
    fn my_lock_wait(&self) {
        // SAFETY: `mutex` was initialised process-shared in my_lock_init and
        // its mapping is never unmapped.
        pthread_or_die(
            unsafe { libc::pthread_mutex_lock(self.mutex) },
            "pthread_mutex_lock",
        );
    }

    /// `pthread_mutex_unlock`; dies with `pthread_mutex_unlock error`.
    fn my_lock_release(&self) {
        // SAFETY: as in my_lock_wait; this process holds the lock.
        pthread_or_die(
            unsafe { libc::pthread_mutex_unlock(self.mutex) },
            "pthread_mutex_unlock",
        );
    }
}
