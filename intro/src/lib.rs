//! Chapter 1 (intro/): the daytime clients and servers, byteorder
