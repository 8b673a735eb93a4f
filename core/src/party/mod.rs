//! iSHARE parties: their identifiers (EORI, `did:ishare:`) and the one rule
//! that binds an identifier to a certificate's subject.

mod binding;
mod continent;
mod id;

pub(crate) use binding::{describe, names_party};
pub use id::{PartyId, PartyIdScheme};
