//! The event loop: one reactor API over select, poll and epoll (owned by the select/epoll work, issue 4).
