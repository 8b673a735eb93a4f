//! What a signer knows of its own chain (checked when it was made): until
//! when it can sign, and what loads but some verifiers will refuse.

use crate::signer::Signer;

#[uniffi::export]
impl Signer {
    /// What loaded but some verifiers will refuse, one sentence each with
    /// its fix (a chain without its root, a root without basicConstraints);
    /// empty for a chain every verifier accepts.
    pub fn warnings(&self) -> Vec<String> {
        self.shared().warnings().to_vec()
    }

    /// The last second (Unix) at which every certificate of the chain is
    /// valid: alert before it, renew the certificate.
    pub fn not_after(&self) -> i64 {
        self.shared().not_after()
    }
}
