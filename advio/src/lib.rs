//! Chapter 14 (advio/): timeouts, recvmsg and ancillary data, the stdio pitfall
