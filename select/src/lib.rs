//! Chapter 6 (select/): str_cli with select, and the epoll servers and client the book could not show
