//! The subcommands: each turns arguments into a core call and its output.

use std::path::PathBuf;

use ishare_jwt::{Error, PartyInfo, Signer, TrustAnchor, VerifiedAssertion, VerifiedJwt, Verifier};

use crate::io::{now, read_text, rng, token_argument};
use crate::key_source;
use crate::{SignArgs, TokenArgs, VerifyArgs, VerifyJwtArgs};

fn load_signer(args: &SignArgs) -> Result<Signer, Error> {
    key_source::load_signer(&args.key, args.chain.as_deref(), &args.client_id)
}

fn sign(args: &SignArgs) -> Result<(Signer, String), Error> {
    let signer = load_signer(args)?;
    let issued_at = args.now.map_or_else(now, Ok)?;
    let token = match &args.jti {
        Some(jti) => signer.client_assertion_with_jti(&mut rng(), &args.audience, issued_at, jti),
        None => signer.client_assertion(&mut rng(), &args.audience, issued_at),
    }?;
    Ok((signer, token))
}

/// `ishare-jwt assertion`: the token.
pub(crate) fn assertion(args: &SignArgs) -> Result<String, Error> {
    sign(args).map(|(_, token)| token)
}

/// `ishare-jwt token-request`: the form body.
pub(crate) fn token_request(args: &SignArgs, scope: &str) -> Result<String, Error> {
    let (signer, token) = sign(args)?;
    ishare_jwt::token_request_form(signer.client_id().as_str(), &token, scope)
}

/// `ishare-jwt verify`: the verified claims as JSON.
pub(crate) fn verify(args: &VerifyArgs) -> Result<String, Error> {
    let verifier = verifier_for(args)?;
    let token = token_argument(&args.token)?;
    let at = args.now.map_or_else(now, Ok)?;
    let assertion = verifier.verify(&token, at, args.client_id.as_deref())?;
    Ok(json_for_terminal(&assertion_json(&assertion).to_string()))
}

/// The verifier `verify` (and `explain`) uses: the audience, the trust
/// anchors and the leeway given.
pub(crate) fn verifier_for(args: &VerifyArgs) -> Result<Verifier, Error> {
    let anchors = trust_anchors(&args.trust_pem, &args.trust_sha256)?;
    Verifier::new(&args.audience, anchors)?.with_leeway(args.leeway)
}

/// `ishare-jwt token`: an access token from the server's token endpoint
/// (or, with `--json`, its whole token response).
pub(crate) fn token(args: &TokenArgs) -> Result<String, Error> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(Error::InvalidArgument(format!(
            "--timeout must be more than 0 and at most 3600 seconds, got {}",
            args.timeout
        )));
    }
    let signer = key_source::load_signer(&args.key, args.chain.as_deref(), &args.client_id)?;
    let mut manager = ishare_jwt::TokenManager::new(signer);
    let key = ishare_jwt::TokenKey::new(&args.audience, &args.url, &args.scope);
    let at = now()?;
    let ishare_jwt::TokenStep::Fetch(request) = manager.get(&mut rng(), &key, at)? else {
        return Err(Error::Internal(
            "a new token manager had a token cached".into(),
        ));
    };
    let (status, body) =
        crate::http::post(&request, std::time::Duration::from_secs_f64(args.timeout))?;
    let token = manager.finish(&key, status, &body, at)?;
    if args.json {
        Ok(json_for_terminal(&String::from_utf8_lossy(&body)))
    } else {
        Ok(ishare_jwt::escape_for_display(&token.access_token))
    }
}

/// `ishare-jwt sign-jwt`: any iSHARE JWT, with the claims given as JSON
/// text or `@FILE`.
pub(crate) fn sign_jwt(args: &SignArgs, claims: Option<&str>) -> Result<String, Error> {
    let claims = match claims {
        Some(path) if path.starts_with('@') => Some(read_text(&PathBuf::from(
            path.get(1..).unwrap_or_default(),
        ))?),
        other => other.map(String::from),
    };
    let signer = load_signer(args)?;
    let at = args.now.map_or_else(now, Ok)?;
    signer.sign_jwt(
        &mut rng(),
        &args.audience,
        claims.as_deref(),
        at,
        args.jti.as_deref(),
    )
}

/// `ishare-jwt verify-jwt`: the whole verified payload, as one JSON object.
pub(crate) fn verify_jwt(args: &VerifyJwtArgs) -> Result<String, Error> {
    verified_jwt(args).map(|(jwt, _)| json_for_terminal(&jwt.claims_json))
}

/// `ishare-jwt check-party`: the party as the verified parties_token lists
/// it, as JSON, once it is found active with the certificate given.
pub(crate) fn check_party(
    args: &VerifyJwtArgs,
    party: &str,
    leaf_sha256: Option<&str>,
) -> Result<String, Error> {
    let (jwt, at) = verified_jwt(args)?;
    let info = ishare_jwt::check_party(&jwt, party, leaf_sha256, at)?;
    Ok(json_for_terminal(&party_json(&info).to_string()))
}

fn verified_jwt(args: &VerifyJwtArgs) -> Result<(VerifiedJwt, i64), Error> {
    let anchors = trust_anchors(&args.trust_pem, &args.trust_sha256)?;
    let verifier = Verifier::new(&args.audience, anchors)?.with_leeway(args.leeway)?;
    let token = token_argument(&args.token)?;
    let at = args.now.map_or_else(now, Ok)?;
    Ok((verifier.verify_jwt(&token, at, args.issuer.as_deref())?, at))
}

fn trust_anchors(
    pem_files: &[PathBuf],
    fingerprints: &[String],
) -> Result<Vec<TrustAnchor>, Error> {
    let mut anchors = Vec::new();
    for path in pem_files {
        anchors.push(TrustAnchor::from_pem(&read_text(path)?)?);
    }
    for hex in fingerprints {
        anchors.push(TrustAnchor::from_sha256_hex(hex)?);
    }
    Ok(anchors)
}

/// A party as JSON.
fn party_json(info: &PartyInfo) -> serde_json::Value {
    serde_json::json!({
        "party_id": info.party_id,
        "party_name": info.party_name,
        "status": info.status,
        "start": info.start,
        "end": info.end,
        "certificates": info.certificates,
    })
}

/// The verified claims as one JSON object.
pub(crate) fn assertion_json(a: &VerifiedAssertion) -> serde_json::Value {
    serde_json::json!({
        "client_id": a.client_id.as_str(),
        "audience": a.audience,
        "jti": a.jti,
        "issued_at": a.issued_at,
        "not_before": a.not_before,
        "expires_at": a.expires_at,
        "algorithm": a.algorithm.name(),
        "leaf_sha256": a.leaf_sha256,
        "chain_length": a.chain.len(),
    })
}

/// `ishare-jwt inspect`: header and claims, clearly marked unverified.
pub(crate) fn inspect(token: &str) -> Result<String, Error> {
    let decoded = ishare_jwt::decode_unverified(&token_argument(token)?)?;
    // Not JSON: shown as text, with anything that could drive the terminal
    // (ESC, BEL, bidi overrides) escaped.
    let pretty = |json: &str| {
        serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .map_or_else(
                || ishare_jwt::escape_for_display(json),
                |j| json_for_terminal(&j),
            )
    };
    Ok(format!(
        "NOT VERIFIED: decoded only; use `ishare-jwt verify` before trusting any of it.\nheader:\n{}\nclaims:\n{}",
        pretty(&decoded.header_json),
        pretty(&decoded.claims_json)
    ))
}

/// JSON text with every hidden character (ishare_jwt::is_hidden_character:
/// bidi overrides, zero-width and other format characters, separators)
/// written as a `\uXXXX` escape: the same JSON value, safe to print.
/// Tab, line feed and carriage return stand between tokens (inside strings
/// serde_json escapes them); every other hidden character can only stand
/// inside a string, where an escape means the same.
pub(crate) fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if ishare_jwt::is_hidden_character(c) && !matches!(c, '\t' | '\n' | '\r') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}
