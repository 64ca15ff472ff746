//! UDP helpers: dg_cli, dg_echo, udp_client, udp_connect, sock_set_port (owned by the UDP work, issue 5).
