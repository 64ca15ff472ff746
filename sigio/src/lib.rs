//! Chapter 25 (sigio/): signal-driven I/O
