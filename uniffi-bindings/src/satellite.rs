//! The satellite checks, sans-IO: the app fetches `/parties?eori=…` or
//! `/trusted_list` with its own HTTP client, verifies the answer's token
//! with `Verifier.verifyJwt` (issuer = the satellite), and hands the
//! `VerifiedJwt` here to be judged. The rules are the core's.

use crate::error::{IshareJwtError, guard};
use crate::jwt::VerifiedJwt;
use crate::system::now_or_clock;

/// One participant as the satellite lists it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartyInfo {
    /// `party_id` (2.1: `partyId`).
    pub party_id: String,
    /// `party_name` (empty if the satellite gives none).
    pub party_name: String,
    /// `adherence.status`: `Active` for every party `checkParty` returns.
    pub status: String,
    /// `adherence.start_date`, Unix seconds.
    pub start: i64,
    /// `adherence.end_date`, Unix seconds.
    pub end: i64,
    /// The registered certificates' `x5t#S256` fingerprints, as listed.
    pub certificates: Vec<String>,
}

impl From<ishare_jwt::PartyInfo> for PartyInfo {
    fn from(info: ishare_jwt::PartyInfo) -> Self {
        PartyInfo {
            party_id: info.party_id,
            party_name: info.party_name,
            status: info.status,
            start: info.start,
            end: info.end,
            certificates: info.certificates,
        }
    }
}

/// Judges a verified `parties_token` (iSHARE 2.0 or 2.1 member names):
/// the entry whose `party_id` is `party_id` — none is `PartyUnknown`; its
/// adherence must be `Active` with start ≤ `now` < end — else
/// `PartyNotActive`, saying which; and, with `leaf_sha256` (the leaf
/// fingerprint of the client's verified assertion), one of its registered
/// certificates must have that fingerprint (hex, any case) — else
/// `PartyCertificateUnknown`. `now` is Unix seconds, the system clock when
/// null. A payload not shaped as iSHARE says is `InvalidResponse` (or
/// `MissingClaim` without any party list).
#[uniffi::export(default(leaf_sha256 = None, now = None))]
pub fn check_party(
    parties_jwt: VerifiedJwt,
    party_id: String,
    leaf_sha256: Option<String>,
    now: Option<i64>,
) -> Result<PartyInfo, IshareJwtError> {
    guard(|| {
        let now = now_or_clock(now)?;
        let jwt = ishare_jwt::VerifiedJwt::try_from(parties_jwt)?;
        Ok(ishare_jwt::check_party(&jwt, &party_id, leaf_sha256.as_deref(), now)?.into())
    })
}

/// The trust anchors of a verified `trusted_list_token`: the SHA-256
/// fingerprints (upper-case hex) of the entries whose `status` is `granted`
/// and `validity` `valid`, in list order — ready to be a `Verifier`'s
/// `trustedRoots`. A list with none of them, or a granted fingerprint that
/// is not SHA-256 hex, is `InvalidResponse`; a payload without a trusted
/// list is `MissingClaim`.
#[uniffi::export]
pub fn trusted_list_anchors(jwt: VerifiedJwt) -> Result<Vec<String>, IshareJwtError> {
    guard(|| {
        let jwt = ishare_jwt::VerifiedJwt::try_from(jwt)?;
        Ok(ishare_jwt::trusted_list_anchors(&jwt)?
            .iter()
            .map(ishare_jwt::TrustAnchor::sha256_hex)
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{CLIENT, NOW, SATELLITE, pki_signer, pki_verifier, root_sha256};

    /// A satellite answer with `claims`, signed by the satellite and verified
    /// by the client, as an app does with what `/parties` returns.
    fn satellite_answer(claims: &str) -> VerifiedJwt {
        let token = pki_signer("server-eori", SATELLITE, None)
            .sign_jwt(CLIENT.into(), Some(claims.into()), Some(NOW), None)
            .unwrap();
        pki_verifier(CLIENT, None)
            .verify_jwt(token, Some(NOW), Some(SATELLITE.into()))
            .unwrap()
    }

    fn parties(status: &str, fingerprint: &str) -> VerifiedJwt {
        satellite_answer(&format!(
            r#"{{"parties_info":{{"count":1,"data":[{{"party_id":"{CLIENT}","party_name":"Demo",
            "adherence":{{"status":"{status}","start_date":"2026-01-01T00:00:00Z","end_date":"2028-01-01T00:00:00Z"}},
            "certificates":[{{"x5t#S256":"{fingerprint}"}}]}}]}}}}"#
        ))
    }

    #[test]
    fn check_party_judges_the_client_by_its_assertions_leaf() {
        let leaf = pki_signer("client-eori", CLIENT, None).leaf_sha256();
        let jwt = parties("Active", &leaf.to_lowercase());
        let info = check_party(jwt.clone(), CLIENT.into(), Some(leaf.clone()), Some(NOW)).unwrap();
        assert_eq!(
            info,
            PartyInfo {
                party_id: CLIENT.into(),
                party_name: "Demo".into(),
                status: "Active".into(),
                start: 1_767_225_600,
                end: 1_830_297_600,
                certificates: vec![leaf.to_lowercase()],
            }
        );
        let error = |party: &str, leaf: Option<String>, now: i64| {
            check_party(jwt.clone(), party.into(), leaf, Some(now)).unwrap_err()
        };
        assert!(matches!(
            error("EU.EORI.NL000000999", None, NOW),
            IshareJwtError::PartyUnknown { .. }
        ));
        assert!(matches!(
            error(CLIENT, Some("AB".repeat(32)), NOW),
            IshareJwtError::PartyCertificateUnknown { .. }
        ));
        assert!(matches!(
            error(CLIENT, None, 1_830_297_600),
            IshareJwtError::PartyNotActive { .. }
        ));
        let revoked = check_party(parties("Revoked", &leaf), CLIENT.into(), None, Some(NOW));
        assert!(
            matches!(&revoked, Err(IshareJwtError::PartyNotActive { detail }) if detail.contains("Revoked")),
            "{revoked:?}"
        );
    }

    #[test]
    fn trusted_list_anchors_become_a_verifiers_roots() {
        let root = root_sha256();
        let jwt = satellite_answer(&format!(
            r#"{{"trusted_list":[
            {{"subject":"CN=Root","certificate_fingerprint":"{}","validity":"valid","status":"granted"}},
            {{"subject":"CN=Old","certificate_fingerprint":"{}","validity":"invalid","status":"granted"}}]}}"#,
            root.to_lowercase(),
            "11".repeat(32)
        ));
        let anchors = trusted_list_anchors(jwt).unwrap();
        assert_eq!(anchors, vec![root.to_uppercase()]);
        let verifier = crate::Verifier::new(SATELLITE.into(), anchors, 0, 100, 0.1, None).unwrap();
        let token = pki_signer("client-eori", CLIENT, None)
            .client_assertion(SATELLITE.into(), Some(NOW), None)
            .unwrap();
        verifier
            .verify(token, Some(NOW), Some(CLIENT.into()))
            .unwrap();
        let not_a_list = trusted_list_anchors(parties("Active", "00")).unwrap_err();
        assert_eq!(not_a_list.kind(), "missing_claim");
    }
}
