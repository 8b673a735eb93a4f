//! Access tokens, managed (as Duende's AccessTokenManagement), sans-IO: the
//! application asks for "a token for server X", [`TokenManager`] answers a
//! cached one or the request to send, and judges the answer. The binding
//! (or the caller) does the HTTP, the clock, and the locking.

mod endpoint_error;
mod manager;

pub use manager::{
    AccessToken, DEFAULT_REFRESH_BEFORE_SECS, DEFAULT_TOKEN_CACHE_CAPACITY, FORM_CONTENT_TYPE,
    TokenKey, TokenManager, TokenRequest, TokenStep,
};
