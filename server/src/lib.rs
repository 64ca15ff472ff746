//! Chapter 30 (server/): client/server design alternatives, and the designs that came after
