//! `Verifier`: the server side. JavaScript runs one call at a time, so the
//! replay and chain caches sit in a `RefCell`.

use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::convert::{now_or_clock, number_or_null, object, seconds, set, to_u32, to_usize};
use crate::errors::{IntoJs, JsResult};
use crate::host_rsa;
use crate::profile::profile_of;

/// Verifies client assertions (and any iSHARE JWT) addressed to `audience`.
#[wasm_bindgen(js_name = NativeVerifier)]
pub struct NativeVerifier {
    inner: ishare_jwt::Verifier,
    caches: RefCell<ishare_jwt::VerifierCaches>,
}

#[wasm_bindgen(js_class = NativeVerifier)]
impl NativeVerifier {
    /// A verifier trusting `trusted_roots` (PEM CA certificates or SHA-256
    /// hex fingerprints), allowing `leeway` seconds of clock skew (none when
    /// absent), refusing a token seen before when `replay_protection`,
    /// remembering at most `replay_capacity` unexpired tokens, of which one
    /// issuer may hold `replay_issuer_share` (the core's defaults when
    /// absent). Token signatures are checked by the host's RSA when one is
    /// registered (`useHostRsa`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        audience: &str,
        trusted_roots: Vec<String>,
        leeway: Option<f64>,
        replay_protection: bool,
        oauth_lifetime: Option<f64>,
        replay_capacity: Option<f64>,
        replay_issuer_share: Option<f64>,
    ) -> JsResult<NativeVerifier> {
        let build = || -> ishare_jwt::Result<_> {
            let anchors = trusted_roots
                .iter()
                .map(|root| ishare_jwt::TrustAnchor::parse(root))
                .collect::<ishare_jwt::Result<Vec<_>>>()?;
            let inner = ishare_jwt::Verifier::new_with_profile(
                audience,
                anchors,
                profile_of(oauth_lifetime)?,
            )?
            .with_leeway(leeway.map_or(Ok(0), |s| to_u32("leeway", s))?)?;
            let inner = match host_rsa::registered() {
                Some(rsa) => inner.with_rsa_verifier(rsa),
                None => inner,
            };
            // Checked even without replay protection: a bad limit is a
            // mistake either way.
            let replay = ishare_jwt::ReplayCache::with_issuer_share(
                replay_capacity.map_or(Ok(ishare_jwt::DEFAULT_REPLAY_CAPACITY), |n| {
                    to_usize("replayCapacity", n)
                })?,
                replay_issuer_share.unwrap_or(ishare_jwt::DEFAULT_REPLAY_ISSUER_SHARE),
            )?;
            Ok((inner, replay))
        };
        let (inner, replay) = build().js()?;
        let caches = ishare_jwt::VerifierCaches {
            replay: replay_protection.then_some(replay),
            ..ishare_jwt::VerifierCaches::default()
        };
        Ok(NativeVerifier {
            inner,
            caches: RefCell::new(caches),
        })
    }

    /// Verifies a client assertion (its UTF-8 bytes) at
    /// `now` (the clock when absent); `client_id` is the form parameter
    /// sent with it. Returns the JSON text of
    /// `{clientId, audience, jti, issuedAt, notBefore, expiresAt, algorithm,
    /// leafSha256, replayKey, replayUntil}`, which the package's JavaScript
    /// parses: one string crosses the boundary where ten properties set one
    /// by one cost a tenth of a warm verification.
    pub fn verify(
        &self,
        token: &[u8],
        now: Option<f64>,
        client_id: Option<String>,
    ) -> JsResult<String> {
        let token = token_text(token).js()?;
        let now = now_or_clock(now).js()?;
        let assertion = self
            .inner
            .verify_shared(token, now, client_id.as_deref(), &self.caches)
            .js()?;
        Ok(assertion_json(&assertion))
    }

    /// Verifies any iSHARE JWT sent to us (its UTF-8 bytes); `issuer`,
    /// when given, must be its `iss`.
    #[wasm_bindgen(js_name = verifyJwt)]
    pub fn verify_jwt(
        &self,
        token: &[u8],
        now: Option<f64>,
        issuer: Option<String>,
    ) -> JsResult<NativeVerifiedJwt> {
        let token = token_text(token).js()?;
        let now = now_or_clock(now).js()?;
        let inner = self
            .inner
            .verify_jwt_shared(token, now, issuer.as_deref(), &self.caches)
            .js()?;
        Ok(NativeVerifiedJwt { inner })
    }

    /// The rule-by-rule report of a client assertion at `now` (the clock
    /// when absent), as the core's JSON text (`Report::to_json`); the
    /// package's JavaScript parses it. Records no replay.
    pub fn explain(
        &self,
        token: &str,
        now: Option<f64>,
        client_id: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        let report = self.inner.explain(token, now, client_id.as_deref()).js()?;
        Ok(report.to_json())
    }

    /// [`NativeVerifier::explain`] for any iSHARE JWT; `issuer`, when
    /// given, must be its `iss`.
    #[wasm_bindgen(js_name = explainJwt)]
    pub fn explain_jwt(
        &self,
        token: &str,
        now: Option<f64>,
        issuer: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        let report = self.inner.explain_jwt(token, now, issuer.as_deref()).js()?;
        Ok(report.to_json())
    }

    /// Our identifier, the only acceptable `aud`.
    #[wasm_bindgen(getter)]
    pub fn audience(&self) -> String {
        self.inner.audience().to_owned()
    }

    /// Allowed clock skew in seconds.
    #[wasm_bindgen(getter)]
    pub fn leeway(&self) -> u32 {
        self.inner.leeway()
    }
}

/// [`NativeVerifier::verify`]'s answer as JSON text.
fn assertion_json(assertion: &ishare_jwt::VerifiedAssertion) -> String {
    JsonObject::default()
        .text("clientId", assertion.client_id.as_str())
        .text("audience", &assertion.audience)
        .text("jti", &assertion.jti)
        .number("issuedAt", Some(assertion.issued_at))
        .number("notBefore", assertion.not_before)
        .number("expiresAt", Some(assertion.expires_at))
        .text("algorithm", assertion.algorithm.name())
        .text("leafSha256", &assertion.leaf_sha256)
        .text("replayKey", &assertion.replay_key)
        .number("replayUntil", Some(assertion.replay_until))
        .finish()
}

/// A JSON object's text, written member by member.
#[derive(Default)]
struct JsonObject(String);

impl JsonObject {
    fn name(&mut self, name: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        json_string(&mut self.0, name);
        self.0.push(':');
    }

    fn text(mut self, name: &str, value: &str) -> Self {
        self.name(name);
        json_string(&mut self.0, value);
        self
    }

    /// `Some(n)` as a number, `None` as `null`.
    fn number(mut self, name: &str, value: Option<i64>) -> Self {
        self.name(name);
        match value {
            Some(value) => self.0.push_str(&value.to_string()),
            None => self.0.push_str("null"),
        }
        self
    }

    fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// `text` as a JSON string: `"` and `\` escaped, control characters as
/// `\uXXXX`.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A token to verify, as the package's JavaScript passes it: its UTF-8
/// bytes (`TextEncoder`), which enter the module by one copy where a
/// string of several kilobytes is copied by a loop in JavaScript.
fn token_text(token: &[u8]) -> ishare_jwt::Result<&str> {
    core::str::from_utf8(token)
        .map_err(|_| ishare_jwt::Error::Malformed("the token is not UTF-8 text".into()))
}

/// Any iSHARE JWT that passed every check, kept on this side of the
/// boundary so that `checkParty` and `trustedListAnchors` judge exactly
/// what was verified.
#[wasm_bindgen(js_name = NativeVerifiedJwt)]
pub struct NativeVerifiedJwt {
    pub(crate) inner: ishare_jwt::VerifiedJwt,
}

#[wasm_bindgen(js_class = NativeVerifiedJwt)]
impl NativeVerifiedJwt {
    /// `{issuer, audience, jti, issuedAt, notBefore, expiresAt, algorithm,
    /// leafSha256, replayKey, replayUntil, claimsJson}`.
    pub fn fields(&self) -> JsValue {
        let jwt = &self.inner;
        let out = object();
        set(&out, "issuer", jwt.issuer.as_str());
        set(&out, "audience", jwt.audience.as_str());
        set(&out, "jti", jwt.jti.as_str());
        set(&out, "issuedAt", seconds(jwt.issued_at));
        set(&out, "notBefore", number_or_null(jwt.not_before));
        set(&out, "expiresAt", seconds(jwt.expires_at));
        set(&out, "algorithm", jwt.algorithm.name());
        set(&out, "leafSha256", jwt.leaf_sha256.as_str());
        set(&out, "replayKey", jwt.replay_key.as_str());
        set(&out, "replayUntil", seconds(jwt.replay_until));
        set(&out, "claimsJson", jwt.claims_json.as_str());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::JsonObject;

    #[test]
    fn json_objects_escape_what_json_needs() {
        let json = JsonObject::default()
            .text("jti", "a\"b\\c\u{1}é")
            .number("notBefore", None)
            .number("exp", Some(-5))
            .finish();
        assert_eq!(
            json,
            r#"{"jti":"a\"b\\c\u0001é","notBefore":null,"exp":-5}"#
        );
        assert_eq!(JsonObject::default().finish(), "{}");
    }
}
