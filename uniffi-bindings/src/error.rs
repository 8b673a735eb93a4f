//! The binding's one error type, and the one place core errors and panics
//! become it.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

/// Declares [`IshareJwtError`] from one table of `Variant => "kind"` rows,
/// so the variants, [`IshareJwtError::kind`] and [`IshareJwtError::KINDS`]
/// cannot disagree. The rows follow the code order of
/// `ishare_jwt::Error::KINDS`; a unit test checks the two tables are equal.
macro_rules! error_kinds {
    ($($(#[doc = $doc:literal])* $variant:ident => $kind:literal,)*) => {
        /// Everything that can go wrong: one variant per kind of
        /// `ishare_jwt::Error`, each carrying the detail message (which
        /// claim, expected versus found; never private key material).
        ///
        /// Kotlin: `IshareJwtException.Expired` etc. (`message` holds the
        /// detail); Swift: `IshareJwtError.expired(message:)` etc.
        #[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
        #[uniffi(flat_error)]
        pub enum IshareJwtError {
            $($(#[doc = $doc])* $variant(String),)*
        }

        impl IshareJwtError {
            /// The kind names of the variants, in declaration (= code) order.
            pub const KINDS: &'static [&'static str] = &[$($kind),*];

            /// The stable snake_case kind name, as `ishare_jwt::Error::kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $kind,)*
                }
            }

            /// The detail message.
            pub fn message(&self) -> &str {
                match self {
                    $(Self::$variant(message))|* => message,
                }
            }

            /// The variant of a kind name; gives `message` back for an
            /// unknown kind.
            fn from_kind(kind: &str, message: String) -> Result<Self, String> {
                match kind {
                    $($kind => Ok(Self::$variant(message)),)*
                    _ => Err(message),
                }
            }
        }
    };
}

error_kinds! {
    /// Not a compact JWS, bad base64url, or JSON of the wrong shape.
    Malformed => "malformed",
    /// `alg` other than RS256, RS384 or RS512.
    UnsupportedAlgorithm => "unsupported_algorithm",
    /// The header breaks the profile (`typ`, `crit`).
    InvalidHeader => "invalid_header",
    /// No `x5c` header parameter, or an empty one.
    MissingCertificate => "missing_certificate",
    /// An RSA key shorter than 2048 bits.
    WeakKey => "weak_key",
    /// The signature does not verify with the `x5c` leaf key.
    Signature => "signature",
    /// The certificate chain does not lead to a trusted root.
    UntrustedChain => "untrusted_chain",
    /// A chain certificate is outside its validity period.
    CertificateExpired => "certificate_expired",
    /// A required claim is missing (or `jti` is empty).
    MissingClaim => "missing_claim",
    /// `aud` is not exactly our own identifier.
    Audience => "audience",
    /// A party identifier is neither an EORI nor a `did:ishare:` id.
    InvalidPartyId => "invalid_party_id",
    /// `iss` and `sub` differ.
    IssuerSubjectMismatch => "issuer_subject_mismatch",
    /// `iss` differs from the `client_id` sent with the token.
    ClientIdMismatch => "client_id_mismatch",
    /// The leaf certificate does not name the `iss` party.
    PartyIdMismatch => "party_id_mismatch",
    /// `exp` - `iat` is not the lifetime the profile demands.
    InvalidLifetime => "invalid_lifetime",
    /// The token has expired.
    Expired => "expired",
    /// `iat` or `nbf` lies in the future.
    NotYetValid => "not_yet_valid",
    /// This `(iss, jti)` was accepted before.
    Replay => "replay",
    /// The replay cache is full of unexpired entries, or the issuer holds
    /// its whole share of it.
    ReplayCacheFull => "replay_cache_full",
    /// The private key could not be loaded.
    InvalidKey => "invalid_key",
    /// A certificate or PEM chain could not be parsed or is unusable.
    InvalidCertificate => "invalid_certificate",
    /// The private key does not belong to the leaf certificate.
    KeyMismatch => "key_mismatch",
    /// A trusted root is neither a PEM CA certificate nor a SHA-256 fingerprint.
    InvalidTrustAnchor => "invalid_trust_anchor",
    /// An input exceeds a size limit.
    TooLarge => "too_large",
    /// A buffer is too small (C only; kept so the kinds match).
    BufferTooSmall => "buffer_too_small",
    /// An argument is unusable (negative clock, bad scope, leeway too large, ...).
    InvalidArgument => "invalid_argument",
    /// A token-endpoint response could not be understood.
    InvalidResponse => "invalid_response",
    /// A bug, a panic, or an unusable system clock or random source.
    Internal => "internal",
    /// `iss` is not the issuer the caller expected (`verifyJwt`'s `issuer`).
    IssuerMismatch => "issuer_mismatch",
    /// The satellite's answer does not list the party (`checkParty`).
    PartyUnknown => "party_unknown",
    /// The party is listed, but not `Active`, or outside its adherence dates.
    PartyNotActive => "party_not_active",
    /// The party is listed, but not with the certificate that signed.
    PartyCertificateUnknown => "party_certificate_unknown",
}

impl fmt::Display for IshareJwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for IshareJwtError {}

impl From<ishare_jwt::Error> for IshareJwtError {
    fn from(error: ishare_jwt::Error) -> Self {
        let kind = error.kind();
        IshareJwtError::from_kind(kind, error.to_string()).unwrap_or_else(|message| {
            IshareJwtError::Internal(format!("unmapped error kind \"{kind}\": {message}"))
        })
    }
}

/// Runs one exported call: a panic inside becomes [`IshareJwtError::Internal`]
/// instead of crossing into Kotlin or Swift.
pub(crate) fn guard<T>(
    call: impl FnOnce() -> Result<T, IshareJwtError>,
) -> Result<T, IshareJwtError> {
    panic::catch_unwind(AssertUnwindSafe(call))
        .unwrap_or_else(|payload| Err(ishare_jwt::Error::from_panic(payload.as_ref()).into()))
}

/// Panics on purpose inside the binding's panic guard: always fails with
/// `Internal`. Lets an app's test see that a panic never crosses into Kotlin
/// or Swift. Has no other effect.
#[allow(clippy::panic)] // the deliberate panic is the point
#[uniffi::export]
pub fn panic_selftest() -> Result<(), IshareJwtError> {
    guard(|| panic!("deliberate panic of panic_selftest"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_exactly_the_core_kinds_in_code_order() {
        let core: Vec<&str> = ishare_jwt::Error::KINDS
            .iter()
            .map(|(_, kind)| *kind)
            .collect();
        assert_eq!(IshareJwtError::KINDS, core.as_slice());
    }

    #[test]
    fn every_core_kind_maps_to_its_own_variant() {
        for (_, kind) in ishare_jwt::Error::KINDS {
            let error = IshareJwtError::from_kind(kind, "detail".into()).unwrap();
            assert_eq!(error.kind(), *kind);
            assert_eq!(error.message(), "detail");
        }
    }

    #[test]
    fn core_error_keeps_its_message() {
        let core = ishare_jwt::Error::Expired {
            exp: 30,
            now: 40,
            leeway: 0,
        };
        let error = IshareJwtError::from(core.clone());
        assert_eq!(error, IshareJwtError::Expired(core.to_string()));
        assert_eq!(error.to_string(), core.to_string());
    }

    #[test]
    fn a_panic_becomes_internal() {
        let result: Result<(), _> = guard(|| panic!("boom"));
        assert_eq!(
            result,
            Err(IshareJwtError::Internal(
                "internal error: panic caught at the language boundary: boom".into()
            ))
        );
        let result: Result<(), _> = guard(|| panic!("{}", String::from("formatted")));
        assert_eq!(
            result,
            Err(IshareJwtError::Internal(
                "internal error: panic caught at the language boundary: formatted".into()
            ))
        );
    }
}
