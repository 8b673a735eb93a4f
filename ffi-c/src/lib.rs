//! C ABI for ishare-jwt (work in progress).
