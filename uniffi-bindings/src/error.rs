//! The binding's one error type, and the one place core errors and panics
//! become it.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use ishare_jwt::Error as Core;

/// An empty `String`, for the exemplar errors below.
fn e() -> String {
    String::new()
}

/// Declares [`IshareJwtError`] from one table of rows
/// `Variant [{ fields }] => "kind", exemplar,` — so the variants,
/// [`IshareJwtError::kind`], [`IshareJwtError::KINDS`] and the core error
/// each kind stands for cannot disagree. Every variant also carries
/// `detail`, the core error's message. The rows follow the code order of
/// `ishare_jwt::Error::KINDS`; unit tests check the two tables are equal and
/// that each exemplar is of its row's kind.
///
/// A variant is a struct variant (not a flat error) so that `TokenEndpoint`
/// can carry the server's fields and the enum can have methods (UniFFI
/// exports methods only on non-flat errors). Its field is `detail`, not
/// `message`: a field named `message` clashes with Kotlin's
/// `Throwable.message` (uniffi-rs issues 1434, 2065).
macro_rules! error_kinds {
    (@detail_only $variant:ident [] $detail:ident) => {
        Some(Self::$variant { $detail })
    };
    (@detail_only $variant:ident [$($field:ident)+] $detail:ident) => {
        None
    };
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $({ $($(#[doc = $field_doc:literal])* $field:ident: $type:ty,)+ })?
            => $kind:literal, $exemplar:expr,
    )*) => {
        /// Everything that can go wrong: one variant per kind of
        /// `ishare_jwt::Error`, each carrying `detail`, the detail message
        /// (which claim, expected versus found; never private key material),
        /// and `TokenEndpoint` the refusing server's fields too.
        ///
        /// Kotlin: `IshareJwtException.Expired` etc. (`e.kind()`, `e.code()`,
        /// `e.detail()`; `e.message` is UniFFI's rendering of the fields,
        /// `detail=…`); Swift: `IshareJwtError.Expired(detail:)` etc.
        #[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
        pub enum IshareJwtError {
            $(
                $(#[doc = $doc])*
                $variant {
                    $($($(#[doc = $field_doc])* $field: $type,)+)?
                    /// The detail message, as the core words it.
                    detail: String,
                },
            )*
        }

        impl IshareJwtError {
            /// The kind names of the variants, in declaration (= code) order.
            pub const KINDS: &'static [&'static str] = &[$($kind),*];

            /// The stable snake_case kind name, as `ishare_jwt::Error::kind`.
            pub fn kind_name(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $kind,)*
                }
            }

            /// The detail message.
            pub fn message(&self) -> &str {
                match self {
                    $(Self::$variant { detail, .. } => detail,)*
                }
            }

            /// A core error of this variant's kind (its fields empty), for
            /// the core's judgements by kind (`OAuthError::from_error`).
            pub(crate) fn exemplar(&self) -> Core {
                match self {
                    $(Self::$variant { .. } => $exemplar,)*
                }
            }

            /// The variant of a kind name that carries only `detail`; `None`
            /// for an unknown kind or one with fields of its own.
            fn detail_only(kind: &str, detail: String) -> Option<Self> {
                match kind {
                    $($kind => error_kinds!(@detail_only $variant [$($($field)+)?] detail),)*
                    _ => None,
                }
            }
        }
    };
}

error_kinds! {
    /// Not a compact JWS, bad base64url, or JSON of the wrong shape.
    Malformed => "malformed", Core::Malformed(e()),
    /// `alg` other than RS256, RS384 or RS512.
    UnsupportedAlgorithm => "unsupported_algorithm", Core::UnsupportedAlgorithm(e()),
    /// The header breaks the profile (`typ`, `crit`).
    InvalidHeader => "invalid_header", Core::InvalidHeader(e()),
    /// No `x5c` header parameter, or an empty one.
    MissingCertificate => "missing_certificate", Core::MissingCertificate,
    /// An RSA key shorter than 2048 bits.
    WeakKey => "weak_key", Core::WeakKey { which: e(), bits: 0 },
    /// The signature does not verify with the `x5c` leaf key.
    Signature => "signature", Core::Signature,
    /// The certificate chain does not lead to a trusted root.
    UntrustedChain => "untrusted_chain", Core::UntrustedChain(e()),
    /// A chain certificate is outside its validity period.
    CertificateExpired => "certificate_expired",
        Core::CertificateExpired { position: 0, not_before: 0, not_after: 0, now: 0 },
    /// A required claim is missing (or `jti` is empty).
    MissingClaim => "missing_claim", Core::MissingClaim(""),
    /// `aud` is not exactly our own identifier.
    Audience => "audience", Core::Audience { expected: e(), found: e() },
    /// A party identifier is neither an EORI nor a `did:ishare:` id.
    InvalidPartyId => "invalid_party_id", Core::InvalidPartyId { value: e(), reason: "" },
    /// `iss` and `sub` differ.
    IssuerSubjectMismatch => "issuer_subject_mismatch",
        Core::IssuerSubjectMismatch { iss: e(), sub: e() },
    /// `iss` differs from the `client_id` sent with the token.
    ClientIdMismatch => "client_id_mismatch", Core::ClientIdMismatch { iss: e(), client_id: e() },
    /// The leaf certificate does not name the `iss` party.
    PartyIdMismatch => "party_id_mismatch", Core::PartyIdMismatch { party: e(), certificate: e() },
    /// `exp` - `iat` is not the lifetime the profile demands.
    InvalidLifetime => "invalid_lifetime", Core::InvalidLifetime { expected: 0, found: 0 },
    /// The token has expired.
    Expired => "expired", Core::Expired { exp: 0, now: 0, leeway: 0 },
    /// `iat` or `nbf` lies in the future.
    NotYetValid => "not_yet_valid", Core::NotYetValid { claim: "", value: 0, now: 0, leeway: 0 },
    /// This `(iss, jti)` was accepted before.
    Replay => "replay", Core::Replay { iss: e(), jti: e() },
    /// The replay cache is full of unexpired entries, or the issuer holds
    /// its whole share of it.
    ReplayCacheFull => "replay_cache_full", Core::ReplayCacheFull { capacity: 0, issuer: None },
    /// The private key could not be loaded.
    InvalidKey => "invalid_key", Core::InvalidKey(e()),
    /// A certificate or PEM chain could not be parsed or is unusable.
    InvalidCertificate => "invalid_certificate", Core::InvalidCertificate(e()),
    /// The private key does not belong to the leaf certificate.
    KeyMismatch => "key_mismatch", Core::KeyMismatch,
    /// A trusted root is neither a PEM CA certificate nor a SHA-256 fingerprint.
    InvalidTrustAnchor => "invalid_trust_anchor", Core::InvalidTrustAnchor(e()),
    /// An input exceeds a size limit.
    TooLarge => "too_large", Core::TooLarge { what: "", limit: 0, found: 0 },
    /// A buffer is too small (C only; kept so the kinds match).
    BufferTooSmall => "buffer_too_small", Core::BufferTooSmall { needed: 0 },
    /// An argument is unusable (negative clock, bad scope, leeway too large, ...).
    InvalidArgument => "invalid_argument", Core::InvalidArgument(e()),
    /// A token-endpoint response could not be understood (a 200 that is not
    /// a token response).
    InvalidResponse => "invalid_response", Core::InvalidResponse(e()),
    /// A bug, a panic, or an unusable system clock or random source.
    Internal => "internal", Core::Internal(e()),
    /// `iss` is not the issuer the caller expected (`verifyJwt`'s `issuer`).
    IssuerMismatch => "issuer_mismatch", Core::IssuerMismatch { expected: e(), found: e() },
    /// The satellite's answer does not list the party (`checkParty`).
    PartyUnknown => "party_unknown", Core::PartyUnknown(e()),
    /// The party is listed, but not `Active`, or outside its adherence dates.
    PartyNotActive => "party_not_active", Core::PartyNotActive(e()),
    /// The party is listed, but not with the certificate that signed.
    PartyCertificateUnknown => "party_certificate_unknown", Core::PartyCertificateUnknown(e()),
    /// A token endpoint refused a token request (`TokenManager.finish` with
    /// a status other than 200; RFC 6749 §5.2).
    TokenEndpoint {
        /// The HTTP status of the answer.
        status: u16,
        /// The server's `error` code, if it sent one.
        error: Option<String>,
        /// The server's `error_description`, if it sent one (shortened,
        /// hidden characters escaped).
        error_description: Option<String>,
    } => "token_endpoint", Core::TokenEndpoint { status: 0, error: None, error_description: None },
    /// The network failed a request. The sans-IO core never raises it; an
    /// app's HTTP layer may, to hand `oauthErrorFor` or its callers one
    /// error type.
    Network => "network", Core::Network(e()),
    /// A certificate of the chain is sound but may not be used this way
    /// (keyUsage, a CA leaf, pathLenConstraint, nameConstraints).
    CertificateUsage => "certificate_usage", Core::CertificateUsage(e()),
    /// The replay store could not record the token: it is refused.
    ReplayStore => "replay_store", Core::ReplayStore(e()),
    /// The key's device or service failed to sign (PKCS#11 module, token,
    /// object, PIN, a key-service callback); never names the PIN.
    KeyStore => "key_store", Core::KeyStore(e()),
}

/// What Kotlin and Swift call on an error: its kind, code and detail.
/// (Each call copies the error into Rust and back; errors are small.)
#[uniffi::export]
impl IshareJwtError {
    /// The stable snake_case kind name (`"expired"`), as the core,
    /// Python and the shared test vectors name it.
    pub fn kind(&self) -> String {
        self.kind_name().to_owned()
    }

    /// The stable number of the kind (`16` for `expired`): the C status,
    /// Python's `.code`. Never renumbered.
    pub fn code(&self) -> u32 {
        let kind = self.kind_name();
        ishare_jwt::Error::KINDS
            .iter()
            .find(|(_, name)| *name == kind)
            .map_or(0, |(code, _)| *code)
    }

    /// The detail message (which claim, expected versus found).
    pub fn detail(&self) -> String {
        self.message().to_owned()
    }
}

impl IshareJwtError {
    /// An [`IshareJwtError::Internal`] with `detail`.
    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        IshareJwtError::Internal {
            detail: detail.into(),
        }
    }
}

impl fmt::Display for IshareJwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for IshareJwtError {}

impl From<ishare_jwt::Error> for IshareJwtError {
    fn from(error: ishare_jwt::Error) -> Self {
        let detail = error.to_string();
        if let Core::TokenEndpoint {
            status,
            error,
            error_description,
        } = error
        {
            return IshareJwtError::TokenEndpoint {
                status,
                error,
                error_description,
                detail,
            };
        }
        let kind = error.kind();
        IshareJwtError::detail_only(kind, detail.clone()).unwrap_or_else(|| {
            IshareJwtError::internal(format!("unmapped error kind \"{kind}\": {detail}"))
        })
    }
}

/// Runs one exported call: a panic inside becomes [`IshareJwtError::Internal`]
/// instead of crossing into Kotlin or Swift.
pub(crate) fn guard<T, E: From<IshareJwtError>>(
    call: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    panic::catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| {
        Err(IshareJwtError::from(ishare_jwt::Error::from_panic(payload.as_ref())).into())
    })
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

    /// Every variant, each made the way the binding makes it.
    fn every_variant() -> Vec<IshareJwtError> {
        IshareJwtError::KINDS
            .iter()
            .map(|kind| match *kind {
                "token_endpoint" => IshareJwtError::from(Core::TokenEndpoint {
                    status: 400,
                    error: Some("invalid_client".into()),
                    error_description: None,
                }),
                kind => IshareJwtError::detail_only(kind, "detail".into()).unwrap(),
            })
            .collect()
    }

    #[test]
    fn every_core_kind_maps_to_its_own_variant_with_its_code() {
        let variants = every_variant();
        assert_eq!(variants.len(), ishare_jwt::Error::KINDS.len());
        for (error, (code, kind)) in variants.iter().zip(ishare_jwt::Error::KINDS) {
            assert_eq!(error.kind(), *kind);
            assert_eq!(error.code(), *code, "{kind}");
            assert_eq!(error.exemplar().kind(), *kind, "the exemplar of {kind}");
            assert_eq!(error.exemplar().code(), *code, "the exemplar of {kind}");
        }
        assert!(IshareJwtError::detail_only("no_such_kind", "x".into()).is_none());
        assert!(IshareJwtError::detail_only("token_endpoint", "x".into()).is_none());
    }

    #[test]
    fn core_error_keeps_its_message() {
        let core = Core::Expired {
            exp: 30,
            now: 40,
            leeway: 0,
        };
        let error = IshareJwtError::from(core.clone());
        assert_eq!(
            error,
            IshareJwtError::Expired {
                detail: core.to_string()
            }
        );
        assert_eq!(error.to_string(), core.to_string());
        assert_eq!(error.detail(), core.to_string());
        assert_eq!((error.kind().as_str(), error.code()), ("expired", 16));
    }

    #[test]
    fn a_token_endpoint_refusal_keeps_the_servers_fields() {
        let core = Core::TokenEndpoint {
            status: 400,
            error: Some("invalid_client".into()),
            error_description: Some("unknown client".into()),
        };
        let error = IshareJwtError::from(core.clone());
        assert_eq!(
            error,
            IshareJwtError::TokenEndpoint {
                status: 400,
                error: Some("invalid_client".into()),
                error_description: Some("unknown client".into()),
                detail: "400 invalid_client: unknown client".into(),
            }
        );
        assert_eq!(
            (error.kind().as_str(), error.code()),
            ("token_endpoint", 33)
        );
        let bare = IshareJwtError::from(Core::TokenEndpoint {
            status: 500,
            error: None,
            error_description: None,
        });
        assert_eq!(bare.detail(), "500");
    }

    #[test]
    fn the_new_kinds_are_their_own_variants() {
        let network = IshareJwtError::from(Core::Network("connection refused".into()));
        assert_eq!(
            network,
            IshareJwtError::Network {
                detail: "connection refused".into()
            }
        );
        assert_eq!(network.code(), 34);
        let usage = IshareJwtError::from(Core::CertificateUsage("a CA leaf".into()));
        assert!(matches!(usage, IshareJwtError::CertificateUsage { .. }));
        assert_eq!(usage.code(), 35);
    }

    #[test]
    fn a_panic_becomes_internal() {
        let result: Result<(), IshareJwtError> = guard(|| panic!("boom"));
        assert_eq!(
            result,
            Err(IshareJwtError::internal(
                "internal error: panic caught at the language boundary: boom"
            ))
        );
        let result: Result<(), IshareJwtError> = guard(|| panic!("{}", String::from("formatted")));
        assert_eq!(
            result,
            Err(IshareJwtError::internal(
                "internal error: panic caught at the language boundary: formatted"
            ))
        );
    }
}
