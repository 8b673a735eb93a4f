//! `Profile`: which kind of client assertion a `Signer` makes or a
//! `Verifier` expects.

use std::fmt;

use crate::error::{IshareJwtError, guard};

/// Which kind of client assertion a `Signer` makes or a `Verifier` expects:
/// `Profile.ishare()` (the default: `typ` `JWT`, lifetime exactly 30 s) or
/// `Profile.oauth(lifetimeSecs)` (the generic OAuth client assertion, RFC
/// 7523 and its update draft: `typ` `client-authentication+jwt`, `aud` the
/// authorization server's issuer identifier, lifetime up to `lifetimeSecs`).
///
/// Immutable; equal when they make and accept the same tokens. Kotlin:
/// `equals`/`hashCode`/`toString`; Swift: `Equatable`, `Hashable`,
/// `CustomStringConvertible`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Object)]
#[uniffi::export(Display, Eq, Hash)]
pub struct Profile {
    pub(crate) inner: ishare_jwt::Profile,
}

/// The core profile of an optional `profile` argument: iSHARE when null.
pub(crate) fn or_ishare(profile: Option<&Profile>) -> ishare_jwt::Profile {
    profile.map_or(ishare_jwt::Profile::ISHARE, |p| p.inner)
}

#[uniffi::export]
impl Profile {
    /// The iSHARE client assertion: `typ` `JWT`, `exp` = `iat` + 30 exactly.
    #[uniffi::constructor]
    pub fn ishare() -> Self {
        Profile {
            inner: ishare_jwt::Profile::ISHARE,
        }
    }

    /// The generic OAuth client assertion, signed with `exp` = `iat` +
    /// `lifetime_secs` and accepted with any lifetime from 1 s up to it.
    /// `lifetime_secs` is 1 to 3600 (60, as Duende uses, when omitted);
    /// anything else is `InvalidArgument`.
    #[uniffi::constructor(default(lifetime_secs = 60))]
    pub fn oauth(lifetime_secs: u32) -> Result<Self, IshareJwtError> {
        guard(|| {
            Ok(Profile {
                inner: ishare_jwt::Profile::oauth(lifetime_secs)?,
            })
        })
    }

    /// The header `typ` this profile produces and demands.
    pub fn typ(&self) -> String {
        self.inner.typ().to_owned()
    }

    /// The lifetime (`exp` − `iat`, seconds) of the tokens it makes: 30 for
    /// iSHARE, the most it accepts for OAuth.
    pub fn lifetime_secs(&self) -> u32 {
        self.inner.lifetime_secs()
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner == ishare_jwt::Profile::ISHARE {
            f.write_str("Profile.ishare()")
        } else {
            write!(f, "Profile.oauth({})", self.inner.lifetime_secs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishare_is_the_default_and_differs_from_oauth() {
        assert_eq!(or_ishare(None), ishare_jwt::Profile::ISHARE);
        let oauth = Profile::oauth(60).unwrap();
        assert_eq!(
            or_ishare(Some(&oauth)),
            ishare_jwt::Profile::oauth(60).unwrap()
        );
        assert_ne!(Profile::ishare(), oauth);
        assert_ne!(Profile::oauth(61).unwrap(), oauth);
        assert_eq!(
            (oauth.typ().as_str(), oauth.lifetime_secs()),
            ("client-authentication+jwt", 60)
        );
        assert_eq!(
            (
                Profile::ishare().typ().as_str(),
                Profile::ishare().lifetime_secs()
            ),
            ("JWT", 30)
        );
        assert_eq!(Profile::ishare().to_string(), "Profile.ishare()");
        assert_eq!(oauth.to_string(), "Profile.oauth(60)");
    }

    #[test]
    fn oauth_lifetime_out_of_range_is_invalid_argument() {
        for bad in [0, 3601, u32::MAX] {
            let error = Profile::oauth(bad).unwrap_err();
            assert_eq!(error.kind(), "invalid_argument", "{bad}");
            assert!(error.detail().contains("lifetime"), "{error}");
        }
        Profile::oauth(3600).unwrap();
        Profile::oauth(1).unwrap();
    }
}
