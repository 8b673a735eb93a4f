//! Access tokens, sans-IO, on both sides of `/connect/token`:
//!
//! - the client's [`TokenManager`] (as Duende's AccessTokenManagement): the
//!   application asks for "a token for server X", the manager answers a
//!   cached one or the request to send, and judges the answer;
//! - the server's token endpoint: [`parse_token_request`], then the
//!   verifier, then [`token_response_body`] or [`OAuthError`].
//!
//! The binding (or the caller) does the HTTP, the clock, and the locking.

mod endpoint;
mod endpoint_error;
mod manager;

pub use endpoint::{
    OAuthError, ParsedTokenRequest, TOKEN_RESPONSE_HEADERS, parse_token_request,
    parse_token_request_pairs, token_response_body,
};
pub use manager::{
    AccessToken, DEFAULT_REFRESH_BEFORE_SECS, DEFAULT_TOKEN_CACHE_CAPACITY, FORM_CONTENT_TYPE,
    TokenKey, TokenManager, TokenRequest, TokenStep,
};
