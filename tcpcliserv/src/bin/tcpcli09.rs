//! tcpcli09: the client of the binary sum server (Figure 5.19,
//! `tcpcliserv/tcpcli09.c` with `str_cli09.c`).
//!
//! Reads two numbers from each line, sends them as the raw bytes of
//! `struct args` (two C `long`s in the machine's byte order, 16 bytes),
//! reads the 8-byte `struct result` and prints the sum. A line without two
//! numbers prints `invalid input: <line>` and is not sent. The book's point
//! (§5.18): this works only between machines that agree on the size and
//! byte order of a `long`; it does talk to the C tcpserv09 on the same
//! machine.
//!
//! Run: `tcpserv09 &` then `tcpcli09 127.0.0.1` (port 9877), or
//! `tcpcli09 127.0.0.1 <port>`.
//!
//! Differs from the C: a reply cut short by the server's end of file (fewer
//! than 8 bytes) is `str_cli: server terminated prematurely` too, where the
//! C only checks for 0 bytes and would print a half-filled number; the
//! optional port argument.

use std::io::{self, BufRead, Write};

use socket2::{Domain, Socket, Type};
use tcpcliserv::{scan_two_longs, SumArgs, SUM_RESULT_LEN};
use unp::tcp::tcpcli_args;
use unp::{err_quit, fgets, readn, servaddr_v4, wrap, writen, OrDie, MAXLINE, SERV_PORT};

fn str_cli09(input: &mut impl BufRead, sockfd: &Socket) {
    let mut sendline = Vec::new();
    let mut result = [0u8; SUM_RESULT_LEN];
    let mut stdout = io::stdout();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        let Some((arg1, arg2)) = scan_two_longs(&sendline) else {
            stdout.write_all(b"invalid input: ").or_die("printf error");
            stdout.write_all(&sendline).or_die("printf error");
            continue;
        };
        writen(sockfd, &SumArgs { arg1, arg2 }.to_bytes()).or_die("writen error");

        if readn(sockfd, &mut result).or_die("readn error") < SUM_RESULT_LEN {
            err_quit("str_cli: server terminated prematurely");
        }
        writeln!(stdout, "{}", i64::from_ne_bytes(result)).or_die("printf error");
    }
    stdout.flush().or_die("printf error");
}

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli09(&mut io::stdin().lock(), &sockfd);
}
