//! The lab: every I/O model and server design measured side by side
