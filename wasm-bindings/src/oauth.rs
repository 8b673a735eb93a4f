//! The token endpoint, sans-IO as in the core: read the token request,
//! answer with a token response or an OAuth error.

use wasm_bindgen::prelude::*;

use crate::convert::{object, set, to_usize};
use crate::errors::{IntoJs, JsResult};

fn request_object(request: ishare_jwt::ParsedTokenRequest) -> JsValue {
    let out = object();
    set(&out, "clientId", request.client_id);
    set(&out, "clientAssertion", request.client_assertion);
    set(&out, "scope", request.scope);
    out
}

/// Reads an `application/x-www-form-urlencoded` body: `{clientId,
/// clientAssertion, scope}`, or throws an `OAuthError`.
#[wasm_bindgen(js_name = parseTokenRequestBody)]
pub fn parse_token_request_body(body: &str) -> JsResult<JsValue> {
    ishare_jwt::parse_token_request(body)
        .js()
        .map(request_object)
}

/// The same from decoded pairs, flattened `[name, value, name, value, …]`,
/// each name as often as it was sent.
#[wasm_bindgen(js_name = parseTokenRequestPairs)]
pub fn parse_token_request_pairs(flat: Vec<String>) -> JsResult<JsValue> {
    let pairs: Vec<(&str, &str)> = flat
        .chunks_exact(2)
        .filter_map(|pair| match pair {
            [name, value] => Some((name.as_str(), value.as_str())),
            _ => None,
        })
        .collect();
    ishare_jwt::parse_token_request_pairs(&pairs)
        .js()
        .map(request_object)
}

/// The JSON body of a successful token response (RFC 6749 §5.1).
#[wasm_bindgen(js_name = tokenResponseBody)]
pub fn token_response_body(
    access_token: &str,
    expires_in: f64,
    scope: Option<String>,
) -> JsResult<String> {
    let expires_in = to_usize("expiresIn", expires_in).js()?;
    Ok(ishare_jwt::token_response_body(
        access_token,
        expires_in as u64,
        scope.as_deref(),
    ))
}

/// The headers of every token endpoint answer, as `[name, value]` pairs.
#[wasm_bindgen(js_name = tokenResponseHeaders)]
pub fn token_response_headers() -> js_sys::Array {
    ishare_jwt::TOKEN_RESPONSE_HEADERS
        .iter()
        .map(|(name, value)| {
            js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value))
        })
        .collect()
}
