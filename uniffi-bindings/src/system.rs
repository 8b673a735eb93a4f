//! What the core leaves to its caller: the clock and OS randomness.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::IshareJwtError;

/// `now` if given, else the system clock, in Unix seconds.
pub(crate) fn now_or_clock(now: Option<i64>) -> Result<i64, IshareJwtError> {
    match now {
        Some(now) => Ok(now),
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
            .ok_or_else(|| IshareJwtError::internal("the system clock is before 1970")),
    }
}

/// The operating system's cryptographic random source. Should it fail, the
/// resulting panic is caught by [`crate::error::guard`].
pub(crate) fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_now_wins() {
        assert_eq!(now_or_clock(Some(42)), Ok(42));
    }

    #[test]
    fn clock_is_after_2025() {
        assert!(now_or_clock(None).unwrap() > 1_735_689_600);
    }
}
