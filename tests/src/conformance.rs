//! The echo conformance suite every echo server must pass (owned by issue 4).
