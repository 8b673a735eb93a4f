//! What the core leaves to its callers: the system clock and OS randomness.

use std::time::{SystemTime, UNIX_EPOCH};

use getrandom::SysRng;
use ishare_jwt::Error;
use rand_core::UnwrapErr;

/// `now` if it is a Unix time (>= 0); for a negative `now`, the system clock.
pub(crate) fn resolve_now(now: i64) -> Result<i64, Error> {
    if now >= 0 {
        return Ok(now);
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|since| i64::try_from(since.as_secs()).ok())
        .ok_or_else(|| Error::Internal("the system clock is before 1970".into()))
}

/// The operating system's random number generator. A failing one panics,
/// which the panic boundary reports as an internal error.
pub(crate) fn rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_now_is_the_system_clock() {
        assert_eq!(resolve_now(5).unwrap(), 5);
        assert!(resolve_now(-1).unwrap() > 1_700_000_000);
    }
}
