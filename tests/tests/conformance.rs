//! The echo conformance suite (`unp_tests::conformance`) against every
//! single-process echo server of chapter 6 and beyond: one module per server,
//! one test per check. The binaries come from several crates; build them
//! first (`cargo test --workspace` does, or
//! `cargo build -p select -p tcpcliserv`).

use unp_tests::conformance::{self, EchoServer};

/// One module per server with one `#[test]` per conformance check; a
/// server with a limit of its own (`limited`) also gets
/// `refuses_client_beyond_max`.
macro_rules! conformance {
    ($module:ident, $server:expr) => {
        conformance!($module, $server, []);
    };
    ($module:ident, $server:expr, limited) => {
        conformance!($module, $server, [refuses_client_beyond_max]);
    };
    ($module:ident, $server:expr, [$($extra:ident),*]) => {
        mod $module {
            use super::*;

            fn server() -> EchoServer {
                $server
            }

            conformance!(@checks echoes_lines, echoes_partial_line, echoes_long_line,
                echoes_binary, half_close_gets_every_byte, survives_reset,
                survives_client_vanishing_mid_write, survives_epipe, many_clients, slow_reader
                $(, $extra)*);
        }
    };
    (@checks $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                conformance::$check(&server());
            }
        )*
    };
}

/// Clients a select server can hold: `FD_SETSIZE` (1024) minus stdin,
/// stdout, stderr and the listening socket.
const SELECT_CLIENTS: usize = 1020;

/// Clients a server without a limit of its own must serve at once.
const MANY_CLIENTS: usize = 1000;

fn book_server(name: &'static str, max_clients: usize, refuses_beyond_max: bool) -> EchoServer {
    EchoServer {
        name,
        args_before_port: vec![],
        max_clients,
        refuses_beyond_max,
        blocks_on_slow_reader: true,
    }
}

fn nonblocking(name: &'static str, args: Vec<String>, max_clients: usize) -> EchoServer {
    EchoServer {
        name,
        args_before_port: args,
        max_clients,
        refuses_beyond_max: max_clients == SELECT_CLIENTS,
        blocks_on_slow_reader: false,
    }
}

/// The reactor server on one of its three backends.
fn reactor(backend: &str, max_clients: usize) -> EchoServer {
    nonblocking("tcpservreactor01", vec![backend.into()], max_clients)
}

conformance!(
    tcpservselect01,
    book_server("tcpservselect01", SELECT_CLIENTS, true),
    limited
);
conformance!(
    tcpservpoll01,
    book_server("tcpservpoll01", MANY_CLIENTS, false)
);
conformance!(
    tcpservepoll01,
    nonblocking("tcpservepoll01", vec![], MANY_CLIENTS)
);
conformance!(
    tcpservepoll02,
    nonblocking("tcpservepoll02", vec![], MANY_CLIENTS)
);
conformance!(
    tcpservreactor01_select,
    reactor("select", SELECT_CLIENTS),
    limited
);
conformance!(tcpservreactor01_poll, reactor("poll", MANY_CLIENTS));
conformance!(tcpservreactor01_epoll, reactor("epoll", MANY_CLIENTS));
