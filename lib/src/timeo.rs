//! Timeouts: connect_timeo, readable_timeo (owned by the advio work, issue 5).
