//! The one place where core errors become JavaScript values.
//!
//! A failed call throws a JavaScript `Error` whose `name` says which kind of
//! failure it is, with the core's numbers on it:
//!
//! - `IshareJwtError`: `kind` and `code` (`ishare_jwt::Error::kind`/`code`,
//!   the same numbers as every other binding), and the token endpoint's
//!   answer to it, `oauthStatus` and `oauthBody` (`OAuthError::from_error`);
//! - `OAuthError`: a token request refused before any token was judged, with
//!   `status`, `error`, `errorDescription` and `oauthBody`.
//!
//! The package's JavaScript turns these into instances of its own
//! `IshareJwtError` and `OAuthError` classes (so `instanceof` works); it
//! reads the fields and adds nothing.

use wasm_bindgen::JsValue;

use crate::convert::set;

/// What a binding function throws.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// A core error as the thrown value.
pub(crate) fn core_error(error: &ishare_jwt::Error) -> JsValue {
    let thrown = js_sys::Error::new(&error.to_string());
    thrown.set_name("IshareJwtError");
    set(&thrown, "kind", error.kind());
    set(&thrown, "code", error.code());
    let answer = ishare_jwt::OAuthError::from_error(error);
    set(&thrown, "oauthStatus", answer.status);
    set(&thrown, "oauthBody", answer.body());
    thrown.into()
}

/// A refused token request as the thrown value.
pub(crate) fn oauth_error(error: &ishare_jwt::OAuthError) -> JsValue {
    let thrown = js_sys::Error::new(&error.to_string());
    thrown.set_name("OAuthError");
    set(&thrown, "status", error.status);
    set(&thrown, "error", error.error);
    set(
        &thrown,
        "errorDescription",
        error.error_description.as_str(),
    );
    set(&thrown, "oauthBody", error.body());
    thrown.into()
}

/// Core results as binding results.
pub(crate) trait IntoJs<T> {
    /// The value, or the core error as the thrown value.
    fn js(self) -> JsResult<T>;
}

impl<T> IntoJs<T> for ishare_jwt::Result<T> {
    fn js(self) -> JsResult<T> {
        self.map_err(|error| core_error(&error))
    }
}

impl<T> IntoJs<T> for Result<T, ishare_jwt::OAuthError> {
    fn js(self) -> JsResult<T> {
        self.map_err(|error| oauth_error(&error))
    }
}

/// The error a failed key callback becomes (`key_store`), for the package's
/// JavaScript to throw when the `sign` function of an external signer
/// rejects or resolves to something that is not a signature.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = keyStoreError)]
pub fn key_store_error(detail: &str) -> JsValue {
    core_error(&ishare_jwt::Error::KeyStore(detail.to_owned()))
}

/// The error a trap inside the module becomes (`internal`): the package's
/// JavaScript throws it in place of a `WebAssembly.RuntimeError`.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = internalError)]
pub fn internal_error(detail: &str) -> JsValue {
    core_error(&ishare_jwt::Error::Internal(detail.to_owned()))
}

/// Every error kind with its code, in code order (`Error::KINDS`), as an
/// array of `[code, kind]` pairs.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = errorKinds)]
pub fn error_kinds() -> js_sys::Array {
    ishare_jwt::Error::KINDS
        .iter()
        .map(|&(code, kind)| js_sys::Array::of2(&JsValue::from(code), &JsValue::from_str(kind)))
        .collect()
}
