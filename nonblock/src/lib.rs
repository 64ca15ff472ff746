//! Chapter 16 (nonblock/): nonblocking I/O, connect_nonb, the web client, the accept race
