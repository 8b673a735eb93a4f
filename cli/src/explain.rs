//! `ishare-jwt explain`: every rule of a token — passed, failed (what was
//! found) or skipped (why) — as a table, or as JSON with `--json`. The
//! report is the core's ([`ishare_jwt::Verifier::explain`]); this file only
//! picks the output and the exit status.

use std::io::IsTerminal;
use std::process::ExitCode;

use ishare_jwt::Error;

use crate::ExplainArgs;
use crate::commands::{json_for_terminal, verifier_for};
use crate::io::{now, outln, token_argument};

/// The report as text, and whether `verify` accepts the token.
pub(crate) fn explain(args: &ExplainArgs) -> Result<(String, bool), Error> {
    let verifier = verifier_for(&args.verify)?;
    let token = token_argument(&args.verify.token)?;
    let at = args.verify.now.map_or_else(now, Ok)?;
    let report = if args.jwt {
        verifier.explain_jwt(&token, at, args.issuer.as_deref())?
    } else {
        verifier.explain(&token, at, args.verify.client_id.as_deref())?
    };
    let text = if args.json {
        json_for_terminal(&report.to_json())
    } else {
        report.table(wants_colour())
    };
    Ok((text, report.accepted))
}

/// `ishare-jwt explain`: the report on standard output; exit 0 when the
/// token is accepted, 1 when it is refused (or cannot be explained).
pub(crate) fn run(args: &ExplainArgs) -> ExitCode {
    match explain(args) {
        Ok((text, accepted)) => {
            outln!("{text}");
            if accepted {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => crate::report_error(&error),
    }
}

/// Colour only for a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (<https://no-color.org>).
fn wants_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
