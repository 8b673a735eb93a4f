//! Python bindings for ishare-jwt (work in progress).
