//! The trusted list (`trusted_list_token`): the CA fingerprints iSHARE
//! trusts now.

use alloc::vec::Vec;

use super::fields::{either, either_str, payload};
use crate::error::{Error, Result};
use crate::json::Value;
use crate::{TrustAnchor, VerifiedJwt};

/// The trust anchors of a verified `trusted_list_token`: every entry of
/// `trusted_list` (2.1: `trustedList`) whose `status` is `granted` and
/// whose `validity` is `valid`, by its `certificate_fingerprint` (2.1:
/// `certificateFingerprint`, SHA-256 hex). Entries withdrawn, under
/// supervision or invalid are left out; a list with none left is an error
/// (a verifier needs an anchor), as is an entry that is not an object or a
/// granted fingerprint that is not SHA-256 hex (`invalid_response`).
pub fn trusted_list_anchors(jwt: &VerifiedJwt) -> Result<Vec<TrustAnchor>> {
    let payload = payload(jwt)?;
    let entries = match either(&payload, ("trusted_list", "trustedList"))? {
        Some(Value::Array(entries)) => entries,
        Some(_) => {
            return Err(Error::InvalidResponse(
                "trusted_list is not an array".into(),
            ));
        }
        None => return Err(Error::MissingClaim("trusted_list")),
    };
    let mut anchors = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let Value::Object(entry) = entry else {
            return Err(Error::InvalidResponse(alloc::format!(
                "trusted_list[{index}] is not an object"
            )));
        };
        let is = |names, wanted: &str| -> Result<bool> {
            Ok(either_str(entry, names)?.is_some_and(|v| v.eq_ignore_ascii_case(wanted)))
        };
        if !(is(("status", "status"), "granted")? && is(("validity", "validity"), "valid")?) {
            continue;
        }
        let fingerprint = either_str(entry, ("certificate_fingerprint", "certificateFingerprint"))?
            .ok_or_else(|| {
                Error::InvalidResponse(alloc::format!(
                    "trusted_list[{index}] has no certificate_fingerprint"
                ))
            })?;
        anchors.push(TrustAnchor::from_sha256_hex(fingerprint).map_err(|_| {
            Error::InvalidResponse(alloc::format!(
                "trusted_list[{index}].certificate_fingerprint \"{}\" is not a SHA-256 hex fingerprint",
                crate::error::quote(fingerprint)
            ))
        })?);
    }
    if anchors.is_empty() {
        return Err(Error::InvalidResponse(
            "the trusted list has no granted, valid entry".into(),
        ));
    }
    Ok(anchors)
}
