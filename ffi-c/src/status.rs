//! `ishare_status`: the C status numbers, one per core error kind.

use core::ffi::{CStr, c_char};

use ishare_jwt::Error;

use crate::panic::value_boundary;

/// The result of every fallible function. `ISHARE_STATUS_OK` (0) is success;
/// every other value is one kind of error of the core library, with the same
/// stable number (`ishare_status_kind` names it, `ishare_last_error` gives
/// the detail message). Numbers are never reused; a retired one stays listed.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ishare_status {
    /// Success.
    Ok = 0,
    /// Not a three-part compact JWS, bad base64url, or JSON that does not parse
    /// into the expected shape.
    Malformed = 1,
    /// `alg` other than RS256, RS384 or RS512.
    UnsupportedAlgorithm = 2,
    /// The header parses but breaks the profile (`typ`, `crit`).
    InvalidHeader = 3,
    /// No `x5c` header parameter, or an empty one.
    MissingCertificate = 4,
    /// An RSA key shorter than 2048 bits.
    WeakKey = 5,
    /// The signature does not verify with the `x5c` leaf key.
    Signature = 6,
    /// The certificate chain does not lead to a trusted root.
    UntrustedChain = 7,
    /// A chain certificate is outside its validity period.
    CertificateExpired = 8,
    /// A required claim is missing (or `jti` is empty).
    MissingClaim = 9,
    /// `aud` is not exactly our own identifier.
    Audience = 10,
    /// A party identifier is neither an EORI nor a `did:ishare:` id.
    InvalidPartyId = 11,
    /// `iss` and `sub` differ.
    IssuerSubjectMismatch = 12,
    /// `iss` differs from the `client_id` sent with the token.
    ClientIdMismatch = 13,
    /// The leaf certificate does not name the `iss` party.
    PartyIdMismatch = 14,
    /// `exp` - `iat` is not the lifetime the profile demands (30 s).
    InvalidLifetime = 15,
    /// The token has expired: now >= `exp` + leeway.
    Expired = 16,
    /// `iat` or `nbf` lies after now + leeway.
    NotYetValid = 17,
    /// This (`iss`, `jti`) was accepted before by this verifier.
    Replay = 18,
    /// The verifier's replay cache is full of unexpired entries, or the
    /// token's issuer holds its whole share of it; the token is refused
    /// (fails closed).
    ReplayCacheFull = 19,
    /// The private key could not be loaded.
    InvalidKey = 20,
    /// A certificate or PEM chain could not be parsed or is unusable.
    InvalidCertificate = 21,
    /// The private key does not belong to the leaf certificate.
    KeyMismatch = 22,
    /// A trusted root is neither a PEM CA certificate nor a SHA-256 fingerprint.
    InvalidTrustAnchor = 23,
    /// An input exceeds one of the library's size limits.
    TooLarge = 24,
    /// The caller's buffer is too small; `*len_out` holds the length needed.
    BufferTooSmall = 25,
    /// An argument is unusable: NULL, not UTF-8, out of range.
    InvalidArgument = 26,
    /// A token-endpoint response could not be understood.
    InvalidResponse = 27,
    /// A bug, a panic caught at the C boundary, or a failing system clock or
    /// random number generator.
    Internal = 28,
    /// `iss` is not the issuer the caller expected
    /// (`ishare_verifier_verify_jwt` with an `issuer`).
    IssuerMismatch = 29,
    /// The satellite's answer does not list the party (`ishare_check_party`).
    PartyUnknown = 30,
    /// The party is listed but not `Active`, or outside its adherence dates.
    PartyNotActive = 31,
    /// The party is listed, but not with the certificate that signed.
    PartyCertificateUnknown = 32,
    /// A token endpoint refused a token request (RFC 6749 §5.2): any HTTP
    /// status but 200 (`ishare_token_manager_finish`). The server's status,
    /// `error` and `error_description` are in this thread's last error:
    /// `ishare_last_error_token_endpoint_status` and its siblings.
    TokenEndpoint = 33,
    /// The network failed a request (connection refused, timeout, TLS).
    /// Raised by the bindings that do HTTP. No function of this C API
    /// returns it (a C program does its own HTTP), but
    /// `ishare_oauth_error_for_status` maps it like any other status.
    Network = 34,
    /// A certificate of the chain is sound but may not be used this way:
    /// keyUsage, a CA certificate as leaf, pathLenConstraint,
    /// nameConstraints.
    CertificateUsage = 35,
    /// The replay store could not record the token (unreachable, slow,
    /// failing): the token is refused, never accepted unrecorded.
    ReplayStore = 36,
    /// The key's device or service failed to sign (PKCS#11 module, token,
    /// object, PIN, a key-service callback); the message never names the PIN.
    KeyStore = 37,
}

/// A status number as C passes it in (any `uint32_t`, not only the listed
/// ones); the header calls it `ishare_status`.
#[allow(non_camel_case_types)]
pub type ishare_status_code = u32;

impl ishare_status {
    /// Every status, in number order.
    const ALL: [ishare_status; 38] = [
        ishare_status::Ok,
        ishare_status::Malformed,
        ishare_status::UnsupportedAlgorithm,
        ishare_status::InvalidHeader,
        ishare_status::MissingCertificate,
        ishare_status::WeakKey,
        ishare_status::Signature,
        ishare_status::UntrustedChain,
        ishare_status::CertificateExpired,
        ishare_status::MissingClaim,
        ishare_status::Audience,
        ishare_status::InvalidPartyId,
        ishare_status::IssuerSubjectMismatch,
        ishare_status::ClientIdMismatch,
        ishare_status::PartyIdMismatch,
        ishare_status::InvalidLifetime,
        ishare_status::Expired,
        ishare_status::NotYetValid,
        ishare_status::Replay,
        ishare_status::ReplayCacheFull,
        ishare_status::InvalidKey,
        ishare_status::InvalidCertificate,
        ishare_status::KeyMismatch,
        ishare_status::InvalidTrustAnchor,
        ishare_status::TooLarge,
        ishare_status::BufferTooSmall,
        ishare_status::InvalidArgument,
        ishare_status::InvalidResponse,
        ishare_status::Internal,
        ishare_status::IssuerMismatch,
        ishare_status::PartyUnknown,
        ishare_status::PartyNotActive,
        ishare_status::PartyCertificateUnknown,
        ishare_status::TokenEndpoint,
        ishare_status::Network,
        ishare_status::CertificateUsage,
        ishare_status::ReplayStore,
        ishare_status::KeyStore,
    ];

    /// The status with number `code`, if there is one.
    pub fn from_code(code: u32) -> Option<ishare_status> {
        usize::try_from(code)
            .ok()
            .and_then(|index| Self::ALL.get(index))
            .copied()
    }

    /// The core's `kind()` name of this status (`"ok"` for success).
    pub fn kind(self) -> &'static CStr {
        match self {
            ishare_status::Ok => c"ok",
            ishare_status::Malformed => c"malformed",
            ishare_status::UnsupportedAlgorithm => c"unsupported_algorithm",
            ishare_status::InvalidHeader => c"invalid_header",
            ishare_status::MissingCertificate => c"missing_certificate",
            ishare_status::WeakKey => c"weak_key",
            ishare_status::Signature => c"signature",
            ishare_status::UntrustedChain => c"untrusted_chain",
            ishare_status::CertificateExpired => c"certificate_expired",
            ishare_status::MissingClaim => c"missing_claim",
            ishare_status::Audience => c"audience",
            ishare_status::InvalidPartyId => c"invalid_party_id",
            ishare_status::IssuerSubjectMismatch => c"issuer_subject_mismatch",
            ishare_status::ClientIdMismatch => c"client_id_mismatch",
            ishare_status::PartyIdMismatch => c"party_id_mismatch",
            ishare_status::InvalidLifetime => c"invalid_lifetime",
            ishare_status::Expired => c"expired",
            ishare_status::NotYetValid => c"not_yet_valid",
            ishare_status::Replay => c"replay",
            ishare_status::ReplayCacheFull => c"replay_cache_full",
            ishare_status::InvalidKey => c"invalid_key",
            ishare_status::InvalidCertificate => c"invalid_certificate",
            ishare_status::KeyMismatch => c"key_mismatch",
            ishare_status::InvalidTrustAnchor => c"invalid_trust_anchor",
            ishare_status::TooLarge => c"too_large",
            ishare_status::BufferTooSmall => c"buffer_too_small",
            ishare_status::InvalidArgument => c"invalid_argument",
            ishare_status::InvalidResponse => c"invalid_response",
            ishare_status::Internal => c"internal",
            ishare_status::IssuerMismatch => c"issuer_mismatch",
            ishare_status::PartyUnknown => c"party_unknown",
            ishare_status::PartyNotActive => c"party_not_active",
            ishare_status::PartyCertificateUnknown => c"party_certificate_unknown",
            ishare_status::TokenEndpoint => c"token_endpoint",
            ishare_status::Network => c"network",
            ishare_status::CertificateUsage => c"certificate_usage",
            ishare_status::ReplayStore => c"replay_store",
            ishare_status::KeyStore => c"key_store",
        }
    }
}

impl From<&Error> for ishare_status {
    /// The status with the error's number; a number this binding does not
    /// know yet (a newer core) becomes `Internal`.
    fn from(error: &Error) -> ishare_status {
        ishare_status::from_code(error.code())
            .filter(|status| *status != ishare_status::Ok)
            .unwrap_or(ishare_status::Internal)
    }
}

/// The name of a status: `"ok"`, or the core's error kind (`"expired"`,
/// `"replay"`, ...), as listed in tests/vectors/README.md and
/// tests/vectors/jwt/README.md. A number that is
/// not a status gives `"unknown"`.
///
/// Ownership: the returned string is static; never free it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_status_kind(status: ishare_status_code) -> *const c_char {
    value_boundary(c"internal".as_ptr(), || {
        ishare_status::from_code(status)
            .map_or(c"unknown", ishare_status::kind)
            .as_ptr()
    })
}

/// The same as `ishare_status_kind` (the name used in the design notes).
///
/// Ownership: the returned string is static; never free it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_status_str(status: ishare_status_code) -> *const c_char {
    ishare_status_kind(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_core_kinds() {
        let (ok, errors) = ishare_status::ALL.split_first().unwrap();
        assert_eq!((*ok as u32, ok.kind()), (0, c"ok"));
        assert_eq!(errors.len(), Error::KINDS.len());
        for (status, (code, kind)) in errors.iter().zip(Error::KINDS) {
            assert_eq!(*status as u32, *code, "{status:?}");
            assert_eq!(status.kind().to_str().unwrap(), *kind, "{status:?}");
            assert_eq!(ishare_status::from_code(*code), Some(*status));
            // SAFETY: ishare_status_kind returns a static NUL-terminated string.
            let via_c = unsafe { CStr::from_ptr(ishare_status_kind(*code)) };
            assert_eq!(via_c.to_str().unwrap(), *kind);
        }
    }

    #[test]
    fn errors_map_to_their_status() {
        let replay = Error::Replay {
            iss: "a".into(),
            jti: "b".into(),
        };
        assert_eq!(ishare_status::from(&replay), ishare_status::Replay);
        assert_eq!(
            ishare_status::from(&Error::BufferTooSmall { needed: 3 }),
            ishare_status::BufferTooSmall
        );
    }

    #[test]
    fn unknown_numbers_are_named_unknown() {
        assert_eq!(ishare_status::from_code(38), None);
        // SAFETY: static string.
        let name = unsafe { CStr::from_ptr(ishare_status_kind(u32::MAX)) };
        assert_eq!(name, c"unknown");
        // SAFETY: static string.
        let alias = unsafe { CStr::from_ptr(ishare_status_str(18)) };
        assert_eq!(alias, c"replay");
    }
}
