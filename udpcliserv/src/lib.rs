//! Chapter 8 (udpcliserv/): UDP echo, lost datagrams, connected UDP, flow control
