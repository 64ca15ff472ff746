//! What tells the concurrency models apart, each shown by a real client
//! against the real server: where a CGI program that runs a long time
//! holds things up, and how many processes the process model makes.

mod support;

use std::thread;

use support::Server;
use unp_tests::{blocked_in, children_of, process_group, wait_until};

/// Start `model` with a CGI timeout of a minute (three times the test's
/// own bound on any wait), request `hang.cgi` from the side, and wait
/// until the CGI program runs.
fn with_a_hanging_cgi(model: &str) -> (Server, thread::JoinHandle<()>) {
    let server = Server::start(model, &[("TINYHTTPD_CGI_TIMEOUT_MS", "60000")]);
    let port = server.port;
    let hanging = thread::spawn(move || {
        use std::io::{Read, Write};
        let mut stream = unp_tests::connect(port);
        let _ = stream.write_all(b"GET /hang.cgi HTTP/1.0\r\n\r\n");
        let _ = stream.read_to_end(&mut Vec::new());
    });
    let group = server.proc.pid();
    wait_until("the CGI program to run", || {
        process_group(group).iter().any(|&(pid, _)| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c == "sleep\n")
        })
    });
    (server, hanging)
}

/// Models 2 and 4: a CGI program that runs on does not hold up a file
/// request (a thread of its own; a worker of the pool). Were it to, the
/// request would wait the minute of the CGI timeout, and the client's
/// read time out first.
#[test]
fn a_running_cgi_holds_up_no_one_in_models_2_and_4() {
    for model in ["httpd-threaded", "httpd-pool"] {
        let (server, hanging) = with_a_hanging_cgi(model);
        assert_eq!(
            server.get("/sub/").status_line,
            "HTTP/1.1 200 OK",
            "{model}"
        );
        drop(server);
        hanging.join().unwrap();
    }
}

/// Model 3 and the io_uring model: the one thread runs the CGI program
/// itself, so while it does, the loop is not in `epoll_wait` (or
/// `io_uring_enter`) but in the `poll(2)` on the program's pipes, and no
/// other client is served: the limit model 4 lifts.
#[test]
fn a_running_cgi_holds_the_loop_of_model_3_and_of_io_uring() {
    for model in ["httpd-epoll", "httpd-uring"] {
        let (server, hanging) = with_a_hanging_cgi(model);
        let pid = server.proc.pid();
        wait_until("the loop to wait on the CGI pipes", || {
            blocked_in(pid) == Some(libc::SYS_poll)
        });
        drop(server);
        hanging.join().unwrap();
    }
}

/// Model 5p: one process per CPU, each with its own listening socket.
#[test]
fn the_process_model_forks_one_server_per_cpu() {
    let server = Server::start("httpd-reuseport", &[]);
    let cpus = thread::available_parallelism().map_or(2, |n| n.get());
    let pid = server.proc.pid();
    wait_until("the children", || children_of(pid).len() == cpus);
    for _ in 0..4 * cpus {
        assert_eq!(server.get("/").status_line, "HTTP/1.1 200 OK");
    }
}
