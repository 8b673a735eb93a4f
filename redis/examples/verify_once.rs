//! Verifies client assertions once across every verifier on one Redis.
//!
//! ```text
//! cargo run -p ishare-jwt-redis --example verify_once -- REDIS_URL AUDIENCE ROOT_SHA256 NOW TOKEN...
//! ```
//!
//! For each TOKEN (in order) prints `accepted <replay_key>` or
//! `error: <kind>: <detail>`; exits 0 if every token was accepted, 1 if
//! one was refused, 2 on a usage error. Keys are under the default prefix
//! `ishare-jwt:`. The cross-language tests use it: a token a Python
//! verifier accepted is a replay here, and the other way round.

use std::process::ExitCode;

use ishare_jwt::{TrustAnchor, Verifier};
use ishare_jwt_redis::{DEFAULT_PREFIX, RedisReplayStore};

const USAGE: &str = "usage: verify_once REDIS_URL AUDIENCE ROOT_SHA256 NOW TOKEN...";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, audience, root, now, tokens @ ..] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if tokens.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let Ok(now) = now.parse::<i64>() else {
        eprintln!("NOW must be Unix seconds, got {now:?}\n{USAGE}");
        return ExitCode::from(2);
    };
    let verifier = match TrustAnchor::from_sha256_hex(root)
        .and_then(|anchor| Verifier::new(audience, vec![anchor]))
    {
        Ok(verifier) => verifier,
        Err(error) => {
            println!("error: {}: {error}", error.kind());
            return ExitCode::FAILURE;
        }
    };
    let client = match redis::Client::open(url.as_str()) {
        Ok(client) => client,
        Err(error) => {
            println!("error: invalid_argument: REDIS_URL: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut store = RedisReplayStore::new(client, DEFAULT_PREFIX);
    let mut all_accepted = true;
    for token in tokens {
        match verifier.verify_with_store(token, now, None, &mut store) {
            Ok(assertion) => println!("accepted {}", assertion.replay_key),
            Err(error) => {
                all_accepted = false;
                println!("error: {}: {error}", error.kind());
            }
        }
    }
    if all_accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
