//! The book's `debug/` directory: small programs written to settle a
//! question about an implementation, not printed as figures (except
//! `backlog`, whose results are §4.5's table, Figure 4.10).
//!
//! | C file | binary | question |
//! |---|---|---|
//! | backlog.c | `backlog` | how many connections does `listen(fd, backlog)` let complete? On Linux, backlog + 1 |
//! | test02.c | `debug-test02` | is a peer's FIN (end of file) an exception for `select`? No: only urgent data is |
//! | test04.c | `debug-test04` | a signal during `connect`'s handshake: `EINTR`, and the handshake goes on; `select` then reports the socket writable |
//! | qlen.c, test01.c, test03.c, test05.c, test06.c | none | the same questions asked through XTI (`t_open`, `t_connect`, `t_snd` with `T_EXPEDITED`, `t_alloc`, STREAMS `I_SETSIG`): Linux has no XTI/TLI (glibc never shipped `<xti.h>`) and no STREAMS, so they cannot be built or run |
