//! The satellite (participant registry), sans-IO: the caller fetches
//! `/parties?eori=…` or `/trusted_list`, verifies the answer with
//! [`crate::Verifier::verify_jwt`] (issuer = the satellite), and hands the
//! [`crate::VerifiedJwt`] here to be judged. No HTTP happens in the library.
//!
//! Both the iSHARE 2.0 member names (`parties_info`, `party_id`,
//! `start_date`, `trusted_list`, `certificate_fingerprint`) and the 2.1
//! ones (`partiesInfo`, `partyId`, `startDate`, `trustedList`,
//! `certificateFingerprint`) are read.

mod fields;
mod parties;
mod trusted_list;

pub use parties::{PartyInfo, check_party};
pub use trusted_list::trusted_list_anchors;
