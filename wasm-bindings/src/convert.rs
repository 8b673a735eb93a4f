//! Argument conversion: JavaScript numbers as Unix seconds, the clock
//! (`Date.now()`), randomness (`crypto.getRandomValues`), plain objects.

use wasm_bindgen::JsValue;

/// Largest integer a JavaScript number holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A whole number of `name` given as a JavaScript number: anything else
/// (fractions, NaN, ±Infinity, beyond 2^53) is `invalid_argument`.
pub(crate) fn whole_number(name: &str, value: f64) -> ishare_jwt::Result<i64> {
    if value.fract() != 0.0 || !value.is_finite() || value.abs() > MAX_SAFE_INTEGER {
        return Err(ishare_jwt::Error::InvalidArgument(format!(
            "{name} must be a whole number of seconds, got {value}"
        )));
    }
    // Exact: a whole number within ±2^53.
    #[allow(clippy::cast_possible_truncation)]
    Ok(value as i64)
}

/// A non-negative whole number that fits a `u32` (a leeway, a lifetime).
pub(crate) fn to_u32(name: &str, value: f64) -> ishare_jwt::Result<u32> {
    let whole = whole_number(name, value)?;
    u32::try_from(whole).map_err(|_| {
        ishare_jwt::Error::InvalidArgument(format!(
            "{name} must be a non-negative number up to {}, got {value}",
            u32::MAX
        ))
    })
}

/// A non-negative whole number that fits a `usize` (a capacity).
pub(crate) fn to_usize(name: &str, value: f64) -> ishare_jwt::Result<usize> {
    let whole = whole_number(name, value)?;
    usize::try_from(whole).map_err(|_| {
        ishare_jwt::Error::InvalidArgument(format!(
            "{name} must be a non-negative number, got {value}"
        ))
    })
}

/// The caller's `now` (Unix seconds), or the clock: `Date.now()`.
pub(crate) fn now_or_clock(now: Option<f64>) -> ishare_jwt::Result<i64> {
    match now {
        Some(now) => whole_number("now", now),
        None => whole_number("Date.now()", (js_sys::Date::now() / 1000.0).floor()),
    }
}

/// The platform's cryptographic RNG: `crypto.getRandomValues` on wasm32
/// (getrandom's `wasm_js` backend). A failure panics, which traps; the
/// package's JavaScript reports a trap as an `internal` error.
pub(crate) fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// `target[name] = value` on an object this crate made (setting a property
/// of a plain object or an `Error` cannot fail).
pub(crate) fn set(target: &JsValue, name: &str, value: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(name), &value.into());
}

/// A new plain object.
pub(crate) fn object() -> JsValue {
    js_sys::Object::new().into()
}

/// `Some(n)` as a number, `None` as `null`.
pub(crate) fn number_or_null(value: Option<i64>) -> JsValue {
    // Unix seconds are far below 2^53: exact as a JavaScript number.
    #[allow(clippy::cast_precision_loss)]
    value.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

/// Unix seconds as a JavaScript number.
#[allow(clippy::cast_precision_loss)] // far below 2^53: exact
pub(crate) fn seconds(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole_number("now", 1_767_225_600.0).unwrap(), 1_767_225_600);
        assert_eq!(whole_number("now", -3.0).unwrap(), -3);
        assert_eq!(
            whole_number("now", MAX_SAFE_INTEGER).unwrap(),
            9_007_199_254_740_991
        );
        for bad in [0.5, f64::NAN, f64::INFINITY, -f64::INFINITY, 1e300] {
            let error = whole_number("now", bad).unwrap_err();
            assert_eq!(error.kind(), "invalid_argument");
            assert!(error.to_string().contains("now"), "{error}");
        }
    }

    #[test]
    fn bounded_numbers() {
        assert_eq!(to_u32("leeway", 300.0).unwrap(), 300);
        assert_eq!(to_usize("replayCapacity", 10.0).unwrap(), 10);
        for bad in [-1.0, 4_294_967_296.0] {
            assert_eq!(
                to_u32("leeway", bad).unwrap_err().kind(),
                "invalid_argument"
            );
        }
        assert_eq!(
            to_usize("replayCapacity", -1.0).unwrap_err().kind(),
            "invalid_argument"
        );
    }

    #[test]
    fn randomness_on_the_host() {
        let mut rng = rng();
        let mut bytes = [0_u8; 16];
        rand_core::Rng::fill_bytes(&mut rng, &mut bytes);
        assert_ne!(bytes, [0_u8; 16]);
    }
}
