//! UniFFI bindings for ishare-jwt (work in progress).
