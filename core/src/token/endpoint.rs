//! The server's token endpoint, sans-IO: read a token request (RFC 6749
//! §4.4 with an RFC 7523 client assertion), answer with a token response
//! (§5.1) or an OAuth error (§5.2). The caller's web framework does the
//! HTTP; no rule of the exchange is left to it.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, quote};
use crate::form::{CLIENT_ASSERTION_TYPE, DEFAULT_SCOPE, GRANT_TYPE};
use crate::json::write_string;
use crate::limits::MAX_TOKEN_BYTES;

/// Headers every token-endpoint answer carries (RFC 6749 §5.1, §5.2).
pub const TOKEN_RESPONSE_HEADERS: [(&str, &str); 3] = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
];

/// A token request's parts, once its form is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTokenRequest {
    /// `client_id`: what the assertion's `iss` must be.
    pub client_id: String,
    /// `client_assertion`: the token to verify.
    pub client_assertion: String,
    /// `scope` (`iSHARE` when the request has none).
    pub scope: String,
}

/// An OAuth error answer (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The HTTP status: 400, or 503 / 500 for the server's own trouble.
    pub status: u16,
    /// The `error` code.
    pub error: &'static str,
    /// The `error_description`: what was wrong, for the client's developer.
    pub error_description: String,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            status,
            error,
            error_description: description.into(),
        }
    }

    /// The answer to a token request the library refused with `error`:
    /// a refused assertion is `invalid_client` (400: the client
    /// authenticated in the body, not with an `Authorization` header, so
    /// §5.2's 401 does not apply); a full or failing replay store is
    /// `temporarily_unavailable` (503); the library's own fault is
    /// `server_error` (500); a bad argument is `invalid_request`.
    pub fn from_error(error: &Error) -> OAuthError {
        let description = alloc::format!("{}: {error}", error.kind());
        match error {
            Error::ReplayCacheFull { .. }
            | Error::ReplayStore(_)
            | Error::Network(_)
            | Error::KeyStore(_) => OAuthError::new(503, "temporarily_unavailable", description),
            Error::Internal(_) => OAuthError::new(500, "server_error", description),
            Error::InvalidArgument(_) | Error::BufferTooSmall { .. } => {
                OAuthError::new(400, "invalid_request", description)
            }
            _ => OAuthError::new(400, "invalid_client", description),
        }
    }

    /// The JSON body: `{"error": …, "error_description": …}`.
    pub fn body(&self) -> String {
        let mut body = String::from("{\"error\":");
        write_string(&mut body, self.error);
        body.push_str(",\"error_description\":");
        write_string(&mut body, &self.error_description);
        body.push('}');
        body
    }
}

impl core::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status, self.error, self.error_description
        )
    }
}

impl core::error::Error for OAuthError {}

/// Reads an `application/x-www-form-urlencoded` token request body.
///
/// ```
/// let body = ishare_jwt::token_request_form("EU.EORI.NL000000001", "h.c.s", "iSHARE")?;
/// let request = ishare_jwt::parse_token_request(&body).unwrap();
/// assert_eq!((request.client_id.as_str(), request.scope.as_str()), ("EU.EORI.NL000000001", "iSHARE"));
/// let refused = ishare_jwt::parse_token_request("grant_type=password").unwrap_err();
/// assert_eq!((refused.status, refused.error), (400, "unsupported_grant_type"));
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
pub fn parse_token_request(form_body: &str) -> Result<ParsedTokenRequest, OAuthError> {
    // The assertion is the largest field; allow it and the rest.
    if form_body.len() > MAX_TOKEN_BYTES + 4096 {
        return Err(OAuthError::new(
            400,
            "invalid_request",
            "the token request body is too large",
        ));
    }
    let pairs: Vec<(String, String)> = form_body
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    parse_token_request_pairs(&borrowed)
}

/// The same from decoded `(name, value)` pairs (what a web framework's form
/// parser gives), each name as often as it was sent.
pub fn parse_token_request_pairs(pairs: &[(&str, &str)]) -> Result<ParsedTokenRequest, OAuthError> {
    // RFC 6749 §3.2: parameters MUST NOT be included more than once.
    let once = |name: &str| -> Result<Option<&str>, OAuthError> {
        let mut values = pairs.iter().filter(|(n, _)| *n == name).map(|(_, v)| *v);
        match (values.next(), values.next()) {
            (first, None) => Ok(first),
            (Some(_), Some(_)) => Err(OAuthError::new(
                400,
                "invalid_request",
                alloc::format!("{name} is sent more than once"),
            )),
            (None, Some(_)) => Ok(None),
        }
    };
    let required = |name: &str| -> Result<&str, OAuthError> {
        once(name)?.filter(|v| !v.is_empty()).ok_or_else(|| {
            OAuthError::new(400, "invalid_request", alloc::format!("{name} is missing"))
        })
    };
    let grant_type = required("grant_type")?;
    if grant_type != GRANT_TYPE {
        return Err(OAuthError::new(
            400,
            "unsupported_grant_type",
            alloc::format!("grant_type \"{}\": only {GRANT_TYPE}", quote(grant_type)),
        ));
    }
    let assertion_type = required("client_assertion_type")?;
    if assertion_type != CLIENT_ASSERTION_TYPE {
        return Err(OAuthError::new(
            400,
            "invalid_client",
            alloc::format!(
                "client_assertion_type \"{}\": only {CLIENT_ASSERTION_TYPE}",
                quote(assertion_type)
            ),
        ));
    }
    let client_assertion = required("client_assertion")?;
    let client_id = required("client_id")?;
    let scope = once("scope")?.unwrap_or(DEFAULT_SCOPE);
    Ok(ParsedTokenRequest {
        client_id: client_id.into(),
        client_assertion: client_assertion.into(),
        scope: scope.into(),
    })
}

/// The body of a successful token response (RFC 6749 §5.1): `access_token`,
/// `token_type` `Bearer`, `expires_in`, and `scope` when given; send it with
/// [`TOKEN_RESPONSE_HEADERS`].
///
/// ```
/// assert_eq!(
///     ishare_jwt::token_response_body("abc", 3600, Some("iSHARE")),
///     r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"iSHARE"}"#
/// );
/// ```
pub fn token_response_body(access_token: &str, expires_in: u64, scope: Option<&str>) -> String {
    let mut body = String::from("{\"access_token\":");
    write_string(&mut body, access_token);
    body.push_str(&alloc::format!(
        ",\"token_type\":\"Bearer\",\"expires_in\":{expires_in}"
    ));
    if let Some(scope) = scope {
        body.push_str(",\"scope\":");
        write_string(&mut body, scope);
    }
    body.push('}');
    body
}

/// WHATWG form decoding: `+` is a space, `%XX` a byte; invalid escapes are
/// kept as they are, and bytes that are not UTF-8 replaced.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| core::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 2;
            }
            (other, _) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
