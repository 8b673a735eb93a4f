//! A token endpoint's refusal (RFC 6749 §5.2) as an [`Error::TokenEndpoint`].

use alloc::string::String;

use crate::error::Error;
use crate::json::{self, Value};
use crate::limits::MAX_RESPONSE_BYTES;

/// The error for an answer with HTTP status `status` (not 200): the
/// server's `error` and `error_description` when its body is the JSON
/// object RFC 6749 §5.2 describes, else just the status.
pub(crate) fn refusal(status: u16, body: &[u8]) -> Error {
    let field = |name: &str| -> Option<String> {
        if body.len() > MAX_RESPONSE_BYTES {
            return None;
        }
        let Ok(Value::Object(object)) = json::parse("token response", body) else {
            return None;
        };
        match object.get(name) {
            Some(Value::String(text)) => Some(shown(text)),
            _ => None,
        }
    };
    Error::TokenEndpoint {
        status,
        error: field("error"),
        error_description: field("error_description"),
    }
}

/// The server's text, whole up to a bound, with hidden characters escaped.
fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 1024;
    let mut kept: String = text.chars().take(MAX_CHARS).collect();
    if kept.len() < text.len() {
        kept.push('…');
    }
    crate::display::escape_for_display(&kept)
}
