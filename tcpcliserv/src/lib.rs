//! Chapter 5 (tcpcliserv/): the TCP echo client and servers, zombies, SIGCHLD, RST, SIGPIPE, the sum servers
