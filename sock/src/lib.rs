//! Appendix C (`sock/`): `sock`, Stevens' socket test tool, first written
//! for *TCP/IP Illustrated, Volume 1*. The binary's doc lists its modes and
//! options; readers use it to poke at every chapter: a TCP or UDP client or
//! server in one command, with the socket option under study on the
//! command line (`-R`/`-S` buffers, `-N` Nagle, `-L` linger, `-K`
//! keepalive, `-X` MSS, `-J` TTL...), and with `-i` a source or sink of
//! bulk data.
