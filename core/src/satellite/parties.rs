//! The party check a token endpoint makes after an assertion verifies:
//! the client is a participant, `Active` today, with the certificate it
//! signed with registered (`parties_token` of `/parties?eori=…`).

use alloc::string::String;
use alloc::vec::Vec;

use super::fields::{either, either_str};
use crate::VerifiedJwt;
use crate::civil_time::parse_timestamp;
use crate::error::{Error, Result, quote};
use crate::json::{Object, Value};

/// One participant as the satellite lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyInfo {
    /// `party_id`.
    pub party_id: String,
    /// `party_name` (empty if the satellite gives none).
    pub party_name: String,
    /// `adherence.status` (`Active` for every party [`check_party`] returns).
    pub status: String,
    /// `adherence.start_date`, Unix seconds.
    pub start: i64,
    /// `adherence.end_date`, Unix seconds.
    pub end: i64,
    /// The registered certificates' `x5t#S256` fingerprints, as listed.
    pub certificates: Vec<String>,
}

/// Judges a verified `parties_token`: the entry of `parties_info.data`
/// (2.1: `partiesInfo.data`; a single-party answer's `party_info` too) whose
/// `party_id` is `party_id` — none is [`Error::PartyUnknown`]; its
/// `adherence.status` must be `Active` and `start_date` ≤ `now` <
/// `end_date` — else [`Error::PartyNotActive`], saying which; and, with
/// `leaf_sha256` (the assertion's), one of `certificates[].x5t#S256` must
/// equal it, hex compared without regard to case — else
/// [`Error::PartyCertificateUnknown`].
pub fn check_party(
    jwt: &VerifiedJwt,
    party_id: &str,
    leaf_sha256: Option<&str>,
    now: i64,
) -> Result<PartyInfo> {
    let payload = super::fields::payload(jwt)?;
    let entries = listed_parties(&payload)?;
    let mut matching = entries
        .iter()
        .filter(|entry| party_id_of(entry).ok().flatten() == Some(party_id));
    let entry = matching.next().ok_or_else(|| {
        Error::PartyUnknown(alloc::format!(
            "\"{}\" is not among the {} parties of the satellite's answer",
            quote(party_id),
            entries.len()
        ))
    })?;
    if matching.next().is_some() {
        return Err(Error::InvalidResponse(alloc::format!(
            "the satellite lists \"{}\" twice",
            quote(party_id)
        )));
    }
    let info = party_info(entry, party_id)?;
    if info.status != "Active" {
        return Err(Error::PartyNotActive(alloc::format!(
            "\"{}\" has adherence status \"{}\", not \"Active\"",
            quote(party_id),
            quote(&info.status)
        )));
    }
    if now < info.start || now >= info.end {
        return Err(Error::PartyNotActive(alloc::format!(
            "\"{}\" adheres from {} to {}, and now is {now}",
            quote(party_id),
            info.start,
            info.end
        )));
    }
    if let Some(leaf) = leaf_sha256 {
        let wanted: String = leaf.chars().filter(|c| *c != ':').collect();
        if !info
            .certificates
            .iter()
            .any(|registered| registered.eq_ignore_ascii_case(&wanted))
        {
            return Err(Error::PartyCertificateUnknown(alloc::format!(
                "\"{}\" has no registered certificate with SHA-256 {} ({} registered)",
                quote(party_id),
                quote(leaf),
                info.certificates.len()
            )));
        }
    }
    Ok(info)
}

/// The party entries of a parties answer (or the one of a single-party one).
fn listed_parties(payload: &Object) -> Result<Vec<&Object>> {
    let entries: Vec<&Value> = match either(payload, ("parties_info", "partiesInfo"))? {
        Some(Value::Object(info)) => match either(info, ("data", "data"))? {
            Some(Value::Array(data)) => data.iter().collect(),
            _ => {
                return Err(Error::InvalidResponse(
                    "parties_info.data is missing or not an array".into(),
                ));
            }
        },
        Some(_) => {
            return Err(Error::InvalidResponse(
                "parties_info is not an object".into(),
            ));
        }
        None => match either(payload, ("party_info", "partyInfo"))? {
            Some(single) => alloc::vec![single],
            None => return Err(Error::MissingClaim("parties_info")),
        },
    };
    entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| match entry {
            Value::Object(object) => Ok(object),
            _ => Err(Error::InvalidResponse(alloc::format!(
                "parties_info.data[{index}] is not an object"
            ))),
        })
        .collect()
}

fn party_id_of(entry: &Object) -> Result<Option<&str>> {
    either_str(entry, ("party_id", "partyId"))
}

fn party_info(entry: &Object, party_id: &str) -> Result<PartyInfo> {
    let adherence = match either(entry, ("adherence", "adherence"))? {
        Some(Value::Object(adherence)) => adherence,
        _ => {
            return Err(Error::InvalidResponse(alloc::format!(
                "\"{}\" has no adherence object",
                quote(party_id)
            )));
        }
    };
    let status = either_str(adherence, ("status", "status"))?.unwrap_or_default();
    let date = |names: (&'static str, &'static str)| -> Result<i64> {
        let text = either_str(adherence, names)?.ok_or_else(|| {
            Error::InvalidResponse(alloc::format!("adherence.{} is missing", names.0))
        })?;
        parse_timestamp(text).ok_or_else(|| {
            Error::InvalidResponse(alloc::format!(
                "adherence.{} \"{}\" is not an ISO 8601 timestamp",
                names.0,
                quote(text)
            ))
        })
    };
    let certificates = match either(entry, ("certificates", "certificates"))? {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|c| match c {
                Value::Object(certificate) => Some(certificate),
                _ => None,
            })
            .map(|certificate| {
                either_str(certificate, ("x5t#S256", "x5t#S256")).map(|f| f.map(String::from))
            })
            .filter_map(Result::transpose)
            .collect::<Result<Vec<_>>>()?,
        Some(_) => {
            return Err(Error::InvalidResponse(
                "certificates is not an array".into(),
            ));
        }
    };
    Ok(PartyInfo {
        party_id: party_id.into(),
        party_name: either_str(entry, ("party_name", "partyName"))?
            .unwrap_or_default()
            .into(),
        status: status.into(),
        start: date(("start_date", "startDate"))?,
        end: date(("end_date", "endDate"))?,
        certificates,
    })
}
