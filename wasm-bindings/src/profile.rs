//! Which kind of client assertion a signer makes or a verifier expects,
//! named across the boundary by the OAuth lifetime alone (`undefined`: the
//! iSHARE profile).

use wasm_bindgen::prelude::*;

use crate::convert::{object, set, to_u32};
use crate::errors::{IntoJs, JsResult};

/// The core's profile: iSHARE when `oauth_lifetime` is absent, else the
/// OAuth profile with that lifetime (1 to 3600 s, checked by the core).
pub(crate) fn profile_of(oauth_lifetime: Option<f64>) -> ishare_jwt::Result<ishare_jwt::Profile> {
    match oauth_lifetime {
        None => Ok(ishare_jwt::Profile::ISHARE),
        Some(lifetime) => ishare_jwt::Profile::oauth(to_u32("lifetime", lifetime)?),
    }
}

/// `{typ, lifetime}` of a profile, checked by the core (what the package's
/// `Profile.ishare()` and `Profile.oauth(lifetime)` show).
#[wasm_bindgen(js_name = profileInfo)]
pub fn profile_info(oauth_lifetime: Option<f64>) -> JsResult<JsValue> {
    let profile = profile_of(oauth_lifetime).js()?;
    let info = object();
    set(&info, "typ", profile.typ());
    set(&info, "lifetime", profile.lifetime_secs());
    Ok(info)
}
