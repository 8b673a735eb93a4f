//! The satellite's judgements, sans-IO as in the core: the caller fetches,
//! `verifyJwt` verifies, these judge the verified answer.

use wasm_bindgen::prelude::*;

use crate::convert::{now_or_clock, object, seconds, set};
use crate::errors::{IntoJs, JsResult};
use crate::verifier::NativeVerifiedJwt;

/// Judges a verified `parties_token`: `{partyId, partyName, status, start,
/// end, certificates}` of `party_id`, if listed, `Active` at `now` and (with
/// `leaf_sha256`) registered with that certificate.
#[wasm_bindgen(js_name = checkParty)]
pub fn check_party(
    parties_jwt: &NativeVerifiedJwt,
    party_id: &str,
    leaf_sha256: Option<String>,
    now: Option<f64>,
) -> JsResult<JsValue> {
    let now = now_or_clock(now).js()?;
    let party =
        ishare_jwt::check_party(&parties_jwt.inner, party_id, leaf_sha256.as_deref(), now).js()?;
    let out = object();
    set(&out, "partyId", party.party_id);
    set(&out, "partyName", party.party_name);
    set(&out, "status", party.status);
    set(&out, "start", seconds(party.start));
    set(&out, "end", seconds(party.end));
    let certificates: js_sys::Array = party
        .certificates
        .iter()
        .map(|c| JsValue::from_str(c))
        .collect();
    set(&out, "certificates", certificates);
    Ok(out)
}

/// The granted, valid SHA-256 fingerprints (upper-case hex) of a verified
/// `trusted_list_token`, ready to be a verifier's trusted roots.
#[wasm_bindgen(js_name = trustedListAnchors)]
pub fn trusted_list_anchors(jwt: &NativeVerifiedJwt) -> JsResult<Vec<String>> {
    let anchors = ishare_jwt::trusted_list_anchors(&jwt.inner).js()?;
    Ok(anchors
        .iter()
        .map(ishare_jwt::TrustAnchor::sha256_hex)
        .collect())
}
