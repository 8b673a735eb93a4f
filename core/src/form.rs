//! The token request (`POST /connect/token`, form-encoded) and the token
//! response.

use alloc::string::{String, ToString};

use crate::error::{Error, Result};
use crate::json;
use crate::limits::{self, MAX_RESPONSE_BYTES};

/// The `grant_type` of an iSHARE token request.
pub const GRANT_TYPE: &str = "client_credentials";
/// The `client_assertion_type` of RFC 7523 `private_key_jwt`.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The default `scope`.
pub const DEFAULT_SCOPE: &str = "iSHARE";

/// The five fields of a token request, in order. Bindings that hand users a
/// map (Python `dict`, Kotlin `Map`) build it from this.
pub fn token_request_fields(
    client_id: &str,
    client_assertion: &str,
    scope: &str,
) -> Result<[(&'static str, String); 5]> {
    check_scope(scope)?;
    // What the server's parse_token_request demands: both present.
    for (name, value) in [
        ("client_id", client_id),
        ("client_assertion", client_assertion),
    ] {
        if value.is_empty() {
            return Err(Error::InvalidArgument(alloc::format!(
                "{name} must not be empty"
            )));
        }
    }
    Ok([
        ("grant_type", GRANT_TYPE.to_string()),
        ("scope", scope.to_string()),
        ("client_id", client_id.to_string()),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE.to_string()),
        ("client_assertion", client_assertion.to_string()),
    ])
}

/// The `application/x-www-form-urlencoded` body of a token request.
///
/// ```
/// let body = ishare_jwt::token_request_form("EU.EORI.NL000000001", "h.c.s", "iSHARE")?;
/// assert_eq!(
///     body,
///     "grant_type=client_credentials&scope=iSHARE&client_id=EU.EORI.NL000000001\
///      &client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer\
///      &client_assertion=h.c.s"
/// );
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
pub fn token_request_form(client_id: &str, client_assertion: &str, scope: &str) -> Result<String> {
    let mut body = String::new();
    for (index, (name, value)) in token_request_fields(client_id, client_assertion, scope)?
        .iter()
        .enumerate()
    {
        if index > 0 {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        form_encode_into(&mut body, value);
    }
    Ok(body)
}

/// WHATWG `application/x-www-form-urlencoded` byte serializer.
fn form_encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                for nibble in [byte >> 4, byte & 0x0f] {
                    if let Some(digit) = HEX.get(usize::from(nibble)) {
                        out.push(char::from(*digit));
                    }
                }
            }
        }
    }
}

/// RFC 6749 §3.3: space-separated scope tokens of printable ASCII without `"` and `\`.
fn check_scope(scope: &str) -> Result<()> {
    let valid_token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
    };
    if scope.len() > 1024 || !scope.split(' ').all(valid_token) {
        return Err(Error::InvalidArgument(
            "scope must be space-separated RFC 6749 scope tokens".to_string(),
        ));
    }
    Ok(())
}

/// A successful token-endpoint answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// The access token to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds (iSHARE: 3600).
    pub expires_in: u64,
}

/// Parses the JSON body of a token response.
///
/// ```
/// let r = ishare_jwt::parse_token_response(
///     br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
/// )?;
/// assert_eq!((r.access_token.as_str(), r.expires_in), ("abc", 3600));
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
pub fn parse_token_response(body: &[u8]) -> Result<TokenResponse> {
    limits::check(
        "token response size in bytes",
        body.len(),
        MAX_RESPONSE_BYTES,
    )?;
    const WHAT: &str = "token response";
    let as_response = |e| match e {
        Error::Malformed(why) => Error::InvalidResponse(why),
        other => other,
    };
    let parsed = json::parse(WHAT, body)
        .and_then(|v| v.into_object(WHAT))
        .map_err(as_response)?;
    let missing = |field: &str| Error::InvalidResponse(alloc::format!("\"{field}\" is missing"));
    let access_token = parsed
        .string(WHAT, "access_token")
        .map_err(as_response)?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| missing("access_token"))?
        .to_string();
    // RFC 6750 §2.1 b64token: what may follow "Bearer " in a header. Anything
    // else (CR, LF, spaces) would let a token endpoint inject headers into
    // every request the client sends with it.
    let b64token = |t: &str| {
        let body = t.trim_end_matches('=');
        !body.is_empty()
            && body.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
            })
    };
    if !b64token(&access_token) {
        return Err(Error::InvalidResponse(
            "access_token is not an RFC 6750 b64token (letters, digits, - . _ ~ + /, then =): refused so it cannot reach an Authorization header".into(),
        ));
    }
    let token_type = parsed
        .string(WHAT, "token_type")
        .map_err(as_response)?
        .ok_or_else(|| missing("token_type"))?
        .to_string();
    if !token_type.eq_ignore_ascii_case("Bearer") {
        return Err(Error::InvalidResponse(alloc::format!(
            "token_type is \"{}\", expected \"Bearer\"",
            crate::error::quote(&token_type)
        )));
    }
    let expires_in = parsed
        .integer(WHAT, "expires_in")
        .map_err(as_response)?
        .ok_or_else(|| missing("expires_in"))?;
    let expires_in = u64::try_from(expires_in).map_err(|_| {
        Error::InvalidResponse(alloc::format!("expires_in is negative: {expires_in}"))
    })?;
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_in,
    })
}
