//! The one error type of the library, with stable numeric codes and kinds.
//!
//! Every binding maps these 1:1: the C status numbers, the Python exception
//! classes and the UniFFI error enum all come from [`Error::code`] and
//! [`Error::kind`]. Codes are never renumbered; a retired code stays listed
//! as a comment.

use alloc::string::String;
use core::fmt;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Longest untrusted value quoted back in an error message (in characters).
const QUOTE_MAX_CHARS: usize = 80;

/// Everything that can go wrong when signing or verifying a client assertion.
///
/// The `Display` text names what was wrong (which claim, expected versus
/// found). It never contains private key material; values taken from a token
/// are shortened to a few dozen characters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Not a three-part compact JWS, bad base64url, or JSON that does not
    /// parse into the expected shape (wrong types, a key named twice).
    Malformed(String),
    /// `alg` other than RS256, RS384 or RS512.
    UnsupportedAlgorithm(String),
    /// The header parses but breaks the profile (`typ`, `crit`).
    InvalidHeader(String),
    /// No `x5c` header parameter, or an empty one.
    MissingCertificate,
    /// An RSA key shorter than the 2048 bits iSHARE requires.
    WeakKey {
        /// Which key: `"signing key"`, `"certificate 0"`, …
        which: String,
        /// Its modulus length in bits.
        bits: usize,
    },
    /// The signature does not verify with the `x5c` leaf key.
    Signature,
    /// The certificate chain does not lead to a trusted anchor.
    UntrustedChain(String),
    /// A chain certificate is outside its validity period at `now`.
    CertificateExpired {
        /// Position in the chain (0 = leaf); the trust anchor counts last.
        position: usize,
        /// Start of validity (Unix seconds).
        not_before: i64,
        /// End of validity (Unix seconds).
        not_after: i64,
        /// The clock used for the check (Unix seconds).
        now: i64,
    },
    /// A required claim is missing (or, for `jti`, empty).
    MissingClaim(&'static str),
    /// `aud` is not exactly our own identifier.
    Audience {
        /// Our identifier.
        expected: String,
        /// What the token carries.
        found: String,
    },
    /// A party identifier is neither an EORI nor a `did:ishare:` id.
    InvalidPartyId {
        /// The offending value (shortened).
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// `iss` and `sub` differ.
    IssuerSubjectMismatch {
        /// The `iss` claim.
        iss: String,
        /// The `sub` claim.
        sub: String,
    },
    /// `iss` differs from the `client_id` sent with the token.
    ClientIdMismatch {
        /// The `iss` claim.
        iss: String,
        /// The `client_id` request parameter.
        client_id: String,
    },
    /// The leaf certificate does not name the party of `iss`.
    PartyIdMismatch {
        /// The party the token claims to be.
        party: String,
        /// What the leaf certificate names (serialNumber / organizationIdentifier).
        certificate: String,
    },
    /// `exp` − `iat` is not the lifetime the profile demands.
    InvalidLifetime {
        /// The demanded lifetime in seconds (or the maximum, per profile).
        expected: u32,
        /// `exp` − `iat` in the token.
        found: i64,
    },
    /// The token has expired: `now` ≥ `exp` + leeway.
    Expired {
        /// The `exp` claim.
        exp: i64,
        /// The clock.
        now: i64,
        /// Allowed clock skew in seconds.
        leeway: u32,
    },
    /// `iat` or `nbf` lies after `now` + leeway.
    NotYetValid {
        /// `"iat"` or `"nbf"`.
        claim: &'static str,
        /// The claim's value.
        value: i64,
        /// The clock.
        now: i64,
        /// Allowed clock skew in seconds.
        leeway: u32,
    },
    /// This `(iss, jti)` was accepted before.
    Replay {
        /// The issuer.
        iss: String,
        /// The repeated `jti`.
        jti: String,
    },
    /// The replay cache is full of unexpired entries; the token is refused
    /// rather than forgetting one (fails closed).
    ReplayCacheFull {
        /// The cache's capacity, or the issuer's quota when `issuer` is set.
        capacity: usize,
        /// The issuer whose share of the cache is full, if that was the limit.
        issuer: Option<String>,
    },
    /// The private key could not be loaded (never quotes the key).
    InvalidKey(String),
    /// A certificate or PEM chain could not be parsed or is unusable.
    InvalidCertificate(String),
    /// The private key does not belong to the leaf certificate.
    KeyMismatch,
    /// A trust anchor is neither a PEM CA certificate nor a SHA-256 fingerprint.
    InvalidTrustAnchor(String),
    /// An input exceeds one of the limits in [`crate::limits`].
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// What was found (or a lower bound of it).
        found: usize,
    },
    /// A caller-supplied buffer is too small; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed (without a terminating NUL).
        needed: usize,
    },
    /// An argument is unusable (negative clock, bad scope, NUL byte, …).
    InvalidArgument(String),
    /// A token-endpoint response could not be understood.
    InvalidResponse(String),
    /// A bug or a panic caught at a language boundary.
    Internal(String),
    /// `iss` is not the issuer the caller expected (a general iSHARE JWT,
    /// e.g. a satellite's answer checked with `issuer` = the satellite).
    IssuerMismatch {
        /// The expected issuer.
        expected: String,
        /// The token's `iss`.
        found: String,
    },
    /// The satellite's answer does not list the party.
    PartyUnknown(String),
    /// The party is listed but not `Active`, or outside its adherence dates.
    PartyNotActive(String),
    /// The party is listed, but not with the certificate that signed.
    PartyCertificateUnknown(String),
    /// A token endpoint refused a token request (RFC 6749 §5.2).
    TokenEndpoint {
        /// The HTTP status of the answer.
        status: u16,
        /// The server's `error` code, if it sent one.
        error: Option<String>,
        /// The server's `error_description`, if it sent one.
        error_description: Option<String>,
    },
    /// The network failed a request (connection refused, timeout, TLS):
    /// raised by the bindings that do HTTP, never by the sans-IO core.
    Network(String),
    /// A certificate of the chain is sound but may not be used this way
    /// (keyUsage, a CA leaf, pathLenConstraint, nameConstraints).
    CertificateUsage(String),
    /// The replay store could not record the token (unreachable, slow,
    /// failing): the token is refused, never accepted unrecorded.
    ReplayStore(String),
    /// The key's device or service failed to sign: a PKCS#11 module not
    /// loadable, a token or key object not found, a wrong or locked PIN,
    /// a device error, a key-service callback that failed. The detail names
    /// the token and object, never the PIN.
    KeyStore(String),
}

impl Error {
    /// Stable number of this kind of error; the C status and every binding use it.
    pub fn code(&self) -> u32 {
        match self {
            Error::Malformed(_) => 1,
            Error::UnsupportedAlgorithm(_) => 2,
            Error::InvalidHeader(_) => 3,
            Error::MissingCertificate => 4,
            Error::WeakKey { .. } => 5,
            Error::Signature => 6,
            Error::UntrustedChain(_) => 7,
            Error::CertificateExpired { .. } => 8,
            Error::MissingClaim(_) => 9,
            Error::Audience { .. } => 10,
            Error::InvalidPartyId { .. } => 11,
            Error::IssuerSubjectMismatch { .. } => 12,
            Error::ClientIdMismatch { .. } => 13,
            Error::PartyIdMismatch { .. } => 14,
            Error::InvalidLifetime { .. } => 15,
            Error::Expired { .. } => 16,
            Error::NotYetValid { .. } => 17,
            Error::Replay { .. } => 18,
            Error::ReplayCacheFull { .. } => 19,
            Error::InvalidKey(_) => 20,
            Error::InvalidCertificate(_) => 21,
            Error::KeyMismatch => 22,
            Error::InvalidTrustAnchor(_) => 23,
            Error::TooLarge { .. } => 24,
            Error::BufferTooSmall { .. } => 25,
            Error::InvalidArgument(_) => 26,
            Error::InvalidResponse(_) => 27,
            Error::Internal(_) => 28,
            Error::IssuerMismatch { .. } => 29,
            Error::PartyUnknown(_) => 30,
            Error::PartyNotActive(_) => 31,
            Error::PartyCertificateUnknown(_) => 32,
            Error::TokenEndpoint { .. } => 33,
            Error::Network(_) => 34,
            Error::CertificateUsage(_) => 35,
            Error::ReplayStore(_) => 36,
            Error::KeyStore(_) => 37,
        }
    }

    /// Stable snake_case name of this kind of error (as in `tests/vectors/README.md`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Malformed(_) => "malformed",
            Error::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Error::InvalidHeader(_) => "invalid_header",
            Error::MissingCertificate => "missing_certificate",
            Error::WeakKey { .. } => "weak_key",
            Error::Signature => "signature",
            Error::UntrustedChain(_) => "untrusted_chain",
            Error::CertificateExpired { .. } => "certificate_expired",
            Error::MissingClaim(_) => "missing_claim",
            Error::Audience { .. } => "audience",
            Error::InvalidPartyId { .. } => "invalid_party_id",
            Error::IssuerSubjectMismatch { .. } => "issuer_subject_mismatch",
            Error::ClientIdMismatch { .. } => "client_id_mismatch",
            Error::PartyIdMismatch { .. } => "party_id_mismatch",
            Error::InvalidLifetime { .. } => "invalid_lifetime",
            Error::Expired { .. } => "expired",
            Error::NotYetValid { .. } => "not_yet_valid",
            Error::Replay { .. } => "replay",
            Error::ReplayCacheFull { .. } => "replay_cache_full",
            Error::InvalidKey(_) => "invalid_key",
            Error::InvalidCertificate(_) => "invalid_certificate",
            Error::KeyMismatch => "key_mismatch",
            Error::InvalidTrustAnchor(_) => "invalid_trust_anchor",
            Error::TooLarge { .. } => "too_large",
            Error::BufferTooSmall { .. } => "buffer_too_small",
            Error::InvalidArgument(_) => "invalid_argument",
            Error::InvalidResponse(_) => "invalid_response",
            Error::Internal(_) => "internal",
            Error::IssuerMismatch { .. } => "issuer_mismatch",
            Error::PartyUnknown(_) => "party_unknown",
            Error::PartyNotActive(_) => "party_not_active",
            Error::PartyCertificateUnknown(_) => "party_certificate_unknown",
            Error::TokenEndpoint { .. } => "token_endpoint",
            Error::Network(_) => "network",
            Error::CertificateUsage(_) => "certificate_usage",
            Error::ReplayStore(_) => "replay_store",
            Error::KeyStore(_) => "key_store",
        }
    }

    /// Every kind with its code, in code order: the table bindings generate
    /// their error classes and status enums from.
    pub const KINDS: &'static [(u32, &'static str)] = &[
        (1, "malformed"),
        (2, "unsupported_algorithm"),
        (3, "invalid_header"),
        (4, "missing_certificate"),
        (5, "weak_key"),
        (6, "signature"),
        (7, "untrusted_chain"),
        (8, "certificate_expired"),
        (9, "missing_claim"),
        (10, "audience"),
        (11, "invalid_party_id"),
        (12, "issuer_subject_mismatch"),
        (13, "client_id_mismatch"),
        (14, "party_id_mismatch"),
        (15, "invalid_lifetime"),
        (16, "expired"),
        (17, "not_yet_valid"),
        (18, "replay"),
        (19, "replay_cache_full"),
        (20, "invalid_key"),
        (21, "invalid_certificate"),
        (22, "key_mismatch"),
        (23, "invalid_trust_anchor"),
        (24, "too_large"),
        (25, "buffer_too_small"),
        (26, "invalid_argument"),
        (27, "invalid_response"),
        (28, "internal"),
        (29, "issuer_mismatch"),
        (30, "party_unknown"),
        (31, "party_not_active"),
        (32, "party_certificate_unknown"),
        (33, "token_endpoint"),
        (34, "network"),
        (35, "certificate_usage"),
        (36, "replay_store"),
        (37, "key_store"),
    ];

    /// The [`Error::Internal`] a language binding reports when it catches a
    /// panic at its boundary (`payload` as `catch_unwind` gives it).
    pub fn from_panic(payload: &(dyn core::any::Any + Send)) -> Error {
        let detail = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        Error::Internal(alloc::format!(
            "panic caught at the language boundary: {detail}"
        ))
    }

    /// The kind name for a code, or `None` for an unknown code.
    pub fn kind_of_code(code: u32) -> Option<&'static str> {
        Self::KINDS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, kind)| *kind)
    }
}

/// Quotes an untrusted value for an error message: at most
/// [`QUOTE_MAX_CHARS`] characters, hidden characters (control, format,
/// separators: [`crate::is_hidden_character`]) escaped.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::new();
    for (count, c) in value.chars().enumerate() {
        if count == QUOTE_MAX_CHARS {
            out.push('…');
            break;
        }
        if crate::display::is_hidden_character(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The message says what was wrong and how; it reads after the kind
/// (`expired: exp 1767225630 is not after now …`), so it never repeats it.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(what) => f.write_str(what),
            Error::UnsupportedAlgorithm(alg) => {
                write!(f, "alg \"{alg}\" is not one of RS256, RS384, RS512")
            }
            Error::InvalidHeader(what) => f.write_str(what),
            Error::MissingCertificate => {
                f.write_str("the header has no x5c chain (or an empty one)")
            }
            Error::WeakKey { which, bits } => {
                write!(f, "{which} has {bits} bits; at least 2048 are required")
            }
            Error::Signature => {
                f.write_str("the token does not verify with the x5c leaf certificate's key")
            }
            Error::UntrustedChain(why) => f.write_str(why),
            Error::CertificateExpired {
                position,
                not_before,
                not_after,
                now,
            } => write!(
                f,
                "x5c[{position}] is not valid at {now} (valid from {not_before} to {not_after})"
            ),
            Error::MissingClaim(claim) => write!(f, "the token has no \"{claim}\" claim"),
            Error::Audience { expected, found } => {
                write!(f, "expected exactly \"{expected}\" as aud, found {found}")
            }
            Error::InvalidPartyId { value, reason } => {
                write!(f, "\"{value}\": {reason}")
            }
            Error::IssuerSubjectMismatch { iss, sub } => {
                write!(f, "iss \"{iss}\" differs from sub \"{sub}\"")
            }
            Error::ClientIdMismatch { iss, client_id } => {
                write!(f, "iss \"{iss}\" differs from client_id \"{client_id}\"")
            }
            Error::PartyIdMismatch { party, certificate } => write!(
                f,
                "the leaf certificate does not name party \"{party}\" (it names {certificate})"
            ),
            Error::InvalidLifetime { expected, found } => {
                write!(f, "exp - iat is {found} s, expected {expected} s")
            }
            Error::Expired { exp, now, leeway } => {
                write!(f, "exp {exp} is not after now {now} (leeway {leeway} s)")
            }
            Error::NotYetValid {
                claim,
                value,
                now,
                leeway,
            } => write!(f, "{claim} {value} is after now {now} (leeway {leeway} s)"),
            Error::Replay { iss, jti } => {
                write!(f, "jti \"{jti}\" of \"{iss}\" was already accepted")
            }
            Error::ReplayCacheFull {
                capacity,
                issuer: None,
            } => write!(
                f,
                "{capacity} unexpired tokens are remembered, the most there is room for: token refused"
            ),
            Error::ReplayCacheFull {
                capacity,
                issuer: Some(issuer),
            } => write!(
                f,
                "\"{issuer}\" holds its whole share ({capacity} unexpired tokens) of the replay cache: token refused"
            ),
            Error::InvalidKey(why) => f.write_str(why),
            Error::InvalidCertificate(why) => f.write_str(why),
            Error::KeyMismatch => {
                f.write_str("the private key does not match the leaf certificate's public key")
            }
            Error::InvalidTrustAnchor(why) => f.write_str(why),
            Error::TooLarge { what, limit, found } => {
                write!(f, "{what} is {found}, the limit is {limit}")
            }
            Error::BufferTooSmall { needed } => {
                write!(f, "{needed} bytes needed (plus a NUL for C)")
            }
            Error::InvalidArgument(why) => f.write_str(why),
            Error::InvalidResponse(why) => write!(f, "the token response: {why}"),
            Error::Internal(why) => write!(f, "internal error: {why}"),
            Error::IssuerMismatch { expected, found } => {
                write!(
                    f,
                    "iss \"{found}\" is not the expected issuer \"{expected}\""
                )
            }
            Error::PartyUnknown(why) => f.write_str(why),
            Error::PartyNotActive(why) => f.write_str(why),
            Error::PartyCertificateUnknown(why) => f.write_str(why),
            // Read after the kind: "token_endpoint: 400 invalid_client: …".
            Error::TokenEndpoint {
                status,
                error,
                error_description,
            } => {
                write!(f, "{status}")?;
                if let Some(error) = error {
                    write!(f, " {error}")?;
                }
                match error_description {
                    Some(description) => write!(f, ": {description}"),
                    None => Ok(()),
                }
            }
            Error::Network(why) => f.write_str(why),
            Error::CertificateUsage(why) => f.write_str(why),
            Error::ReplayStore(why) => f.write_str(why),
            Error::KeyStore(why) => f.write_str(why),
        }
    }
}

impl core::error::Error for Error {}
