//! `VerifiedJwt`: any iSHARE JWT that passed every check, with its payload.

use crate::error::IshareJwtError;

/// Any iSHARE JWT that passed every check (`Verifier.verifyJwt`): the
/// envelope's claims, how it was signed, and the whole payload as the JSON
/// text that was verified.
///
/// A record, so an app can construct one; `checkParty` and
/// `trustedListAnchors` trust that theirs came from `verifyJwt`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedJwt {
    /// `iss` = `sub`: the party that signed.
    pub issuer: String,
    /// `aud`: our own identifier.
    pub audience: String,
    /// `jti`, the token's unique id.
    pub jti: String,
    /// `iat`, Unix seconds.
    pub issued_at: i64,
    /// `nbf`, Unix seconds, if the token carried it.
    pub not_before: Option<i64>,
    /// `exp`, Unix seconds.
    pub expires_at: i64,
    /// The JWS algorithm it was signed with: `RS256`, `RS384` or `RS512`.
    pub algorithm: String,
    /// SHA-256 of the leaf certificate, upper-case hex.
    pub leaf_sha256: String,
    /// The `x5c` chain as DER, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The whole payload: the claims set's JSON text exactly as verified
    /// (envelope and the token's own claims).
    pub claims_json: String,
    /// The key a shared replay store keeps this token under (lower-case
    /// hex SHA-256 of `iss` ‖ 0x00 ‖ `jti`, the same in every language).
    pub replay_key: String,
    /// `exp` + leeway, Unix seconds: until when the store keeps the key.
    pub replay_until: i64,
}

impl From<ishare_jwt::VerifiedJwt> for VerifiedJwt {
    fn from(verified: ishare_jwt::VerifiedJwt) -> Self {
        VerifiedJwt {
            issuer: verified.issuer.as_str().to_owned(),
            audience: verified.audience,
            jti: verified.jti,
            issued_at: verified.issued_at,
            not_before: verified.not_before,
            expires_at: verified.expires_at,
            algorithm: verified.algorithm.name().to_owned(),
            leaf_sha256: verified.leaf_sha256,
            chain: verified.chain,
            claims_json: verified.claims_json,
            replay_key: verified.replay_key,
            replay_until: verified.replay_until,
        }
    }
}

impl TryFrom<VerifiedJwt> for ishare_jwt::VerifiedJwt {
    type Error = IshareJwtError;

    /// Back to the core's type, for the satellite checks. A record whose
    /// `issuer` or `algorithm` no verification could have produced is
    /// refused with the kind the core gives it.
    fn try_from(jwt: VerifiedJwt) -> Result<Self, IshareJwtError> {
        Ok(ishare_jwt::VerifiedJwt {
            issuer: ishare_jwt::PartyId::parse(&jwt.issuer)?,
            audience: jwt.audience,
            jti: jwt.jti,
            issued_at: jwt.issued_at,
            not_before: jwt.not_before,
            expires_at: jwt.expires_at,
            algorithm: ishare_jwt::Algorithm::parse(&jwt.algorithm)?,
            leaf_sha256: jwt.leaf_sha256,
            chain: jwt.chain,
            claims_json: jwt.claims_json,
            replay_key: jwt.replay_key,
            replay_until: jwt.replay_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core_jwt() -> ishare_jwt::VerifiedJwt {
        ishare_jwt::VerifiedJwt {
            issuer: ishare_jwt::PartyId::parse("EU.EORI.NL000000100").unwrap(),
            audience: "EU.EORI.NL000000101".into(),
            jti: "j".into(),
            issued_at: 10,
            not_before: None,
            expires_at: 40,
            algorithm: ishare_jwt::Algorithm::RS384,
            leaf_sha256: "AB".repeat(32),
            chain: vec![vec![1, 2], vec![3]],
            claims_json: r#"{"iss":"EU.EORI.NL000000100"}"#.into(),
            replay_key: "cd".repeat(32),
            replay_until: 40,
        }
    }

    #[test]
    fn converts_both_ways_unchanged() {
        let record = VerifiedJwt::from(core_jwt());
        assert_eq!(
            (record.issuer.as_str(), record.algorithm.as_str()),
            ("EU.EORI.NL000000100", "RS384")
        );
        assert_eq!(
            ishare_jwt::VerifiedJwt::try_from(record).unwrap(),
            core_jwt()
        );
    }

    #[test]
    fn a_record_no_verification_made_is_refused() {
        let mut record = VerifiedJwt::from(core_jwt());
        record.algorithm = "HS256".into();
        let error = ishare_jwt::VerifiedJwt::try_from(record.clone()).unwrap_err();
        assert_eq!(error.kind(), "unsupported_algorithm");
        record.algorithm = "RS256".into();
        record.issuer = "nobody".into();
        let error = ishare_jwt::VerifiedJwt::try_from(record).unwrap_err();
        assert_eq!(error.kind(), "invalid_party_id");
    }
}
