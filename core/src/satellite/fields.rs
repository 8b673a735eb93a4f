//! Reading a satellite's payload: members under their iSHARE 2.0 or 2.1
//! name, and shape errors as `invalid_response`.

use crate::VerifiedJwt;
use crate::error::{Error, Result};
use crate::json::{self, Object, Value};

/// What the satellite's answers are called in messages.
pub(super) const WHAT: &str = "satellite answer";

/// The verified payload as an object.
pub(super) fn payload(jwt: &VerifiedJwt) -> Result<Object> {
    json::parse("claims", jwt.claims_json.as_bytes())
        .and_then(|value| value.into_object("claims"))
        .map_err(as_response)
}

/// The member `names.0` (2.0) or `names.1` (2.1), whichever is present.
pub(super) fn either<'a>(object: &'a Object, names: (&str, &str)) -> Result<Option<&'a Value>> {
    if names.0 == names.1 {
        return object.present(WHAT, names.0).map_err(as_response);
    }
    match (object.present(WHAT, names.0), object.present(WHAT, names.1)) {
        (Ok(Some(_)), Ok(Some(_))) => Err(Error::InvalidResponse(alloc::format!(
            "both \"{}\" and \"{}\" are present",
            names.0,
            names.1
        ))),
        (Ok(Some(value)), _) | (_, Ok(Some(value))) => Ok(Some(value)),
        (Err(e), _) | (_, Err(e)) => Err(as_response(e)),
        (Ok(None), Ok(None)) => Ok(None),
    }
}

/// A string member under either name, if present.
pub(super) fn either_str<'a>(object: &'a Object, names: (&str, &str)) -> Result<Option<&'a str>> {
    match either(object, names)? {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(Error::InvalidResponse(alloc::format!(
            "\"{}\" must be a string, found {}",
            names.0,
            other.type_name()
        ))),
    }
}

/// `malformed` from the JSON reader becomes `invalid_response`: the
/// satellite's token verified, but its payload is not what iSHARE says.
pub(super) fn as_response(error: Error) -> Error {
    match error {
        Error::Malformed(why) => Error::InvalidResponse(why),
        other => other,
    }
}
