//! X.509 for iSHARE chains: a strict reader of the certificates a token
//! carries (over the bytes received), PEM input, and the path rules.

mod algorithm;
mod certificate;
mod der;
mod extensions;
mod name;
mod path;
mod pem;
mod public_key;
mod time;

pub(crate) use certificate::ChainCertificate;
pub(crate) use name::{SubjectNames, display_name};
pub(crate) use path::{verify_path, verify_tail};
pub(crate) use pem::certificates as pem_certificates;
