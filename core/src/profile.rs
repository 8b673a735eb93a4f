//! The two token profiles: iSHARE client assertions and the generic OAuth
//! client assertion (RFC 7523 and its update draft).
//!
//! A profile fixes what differs between them — the header `typ` and the
//! allowed lifetime. Everything else (claims, chain, signature) is shared.

use crate::error::{Error, Result};

/// Header `typ` of an iSHARE client assertion.
pub const ISHARE_TYP: &str = "JWT";
/// Header `typ` of a generic OAuth client assertion (RFC 7523 update draft).
pub const OAUTH_TYP: &str = "client-authentication+jwt";
/// Lifetime of an iSHARE client assertion: `exp` = `iat` + 30, exactly.
pub const ISHARE_LIFETIME_SECS: u32 = 30;
/// Longest lifetime the OAuth profile may be configured with.
pub const OAUTH_MAX_LIFETIME_SECS: u32 = 3600;

/// Which kind of client assertion to make or expect.
///
/// ```
/// use ishare_jwt::Profile;
/// assert_eq!(Profile::ISHARE.typ(), "JWT");
/// let duende = Profile::oauth(60)?;
/// assert_eq!(duende.typ(), "client-authentication+jwt");
/// assert_eq!(duende.lifetime_secs(), 60);
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Profile {
    kind: ProfileKind,
    lifetime_secs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ProfileKind {
    Ishare,
    OAuth,
}

impl Profile {
    /// iSHARE: `typ` `JWT`, lifetime exactly 30 s.
    pub const ISHARE: Profile = Profile {
        kind: ProfileKind::Ishare,
        lifetime_secs: ISHARE_LIFETIME_SECS,
    };

    /// Generic OAuth client assertion: `typ` `client-authentication+jwt`,
    /// signed with `exp` = `iat` + `lifetime_secs`, accepted with any lifetime
    /// from 1 s up to `lifetime_secs`.
    pub fn oauth(lifetime_secs: u32) -> Result<Profile> {
        if lifetime_secs == 0 || lifetime_secs > OAUTH_MAX_LIFETIME_SECS {
            return Err(Error::InvalidArgument(alloc::format!(
                "OAuth assertion lifetime must be 1 to {OAUTH_MAX_LIFETIME_SECS} s, got {lifetime_secs}"
            )));
        }
        Ok(Profile {
            kind: ProfileKind::OAuth,
            lifetime_secs,
        })
    }

    /// The header `typ` this profile produces and demands.
    pub fn typ(&self) -> &'static str {
        match self.kind {
            ProfileKind::Ishare => ISHARE_TYP,
            ProfileKind::OAuth => OAUTH_TYP,
        }
    }

    /// The lifetime signed tokens get (`exp` − `iat`).
    pub fn lifetime_secs(&self) -> u32 {
        self.lifetime_secs
    }

    /// Whether a received token's `exp` − `iat` is acceptable: exactly the
    /// lifetime for iSHARE, 1 s up to it for OAuth.
    pub(crate) fn accepts_lifetime(&self, lifetime: i64) -> bool {
        match self.kind {
            ProfileKind::Ishare => lifetime == i64::from(self.lifetime_secs),
            ProfileKind::OAuth => (1..=i64::from(self.lifetime_secs)).contains(&lifetime),
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::ISHARE
    }
}
