//! `ishare-jwt`: make, verify and inspect iSHARE client assertions and any
//! other iSHARE JWT, and check a party at the satellite.

mod check_signer;
mod commands;
mod demo;
mod explain;
mod http;
mod io;
mod key_source;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

use crate::io::outln;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ishare-jwt",
    version = version(),
    about = "Make, verify and inspect iSHARE client assertions and other iSHARE JWTs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--version`: the release and the RSA backend this binary was built with
/// (e.g. `0.1.0 (rust-crypto)`).
fn version() -> String {
    format!("{} ({})", env!("CARGO_PKG_VERSION"), ishare_jwt::BACKEND)
}

#[derive(Subcommand)]
enum Command {
    /// Print a signed client assertion.
    Assertion(SignArgs),
    /// Print the form body of a token request (for `curl --data @-`).
    TokenRequest {
        #[command(flatten)]
        sign: SignArgs,
        /// The `scope` parameter.
        #[arg(long, default_value = ishare_jwt::DEFAULT_SCOPE)]
        scope: String,
    },
    /// Verify an assertion; print its claims as JSON.
    Verify(VerifyArgs),
    /// Fetch an access token: post a token request, print the token.
    Token(TokenArgs),
    /// Print any signed iSHARE JWT: the envelope plus the claims given.
    SignJwt {
        #[command(flatten)]
        sign: SignArgs,
        /// The message's own claims: a JSON object, or @FILE to read it.
        #[arg(long)]
        claims: Option<String>,
    },
    /// Verify any iSHARE JWT; print its whole payload as JSON.
    VerifyJwt(VerifyJwtArgs),
    /// Verify a satellite's parties_token and check one party in it.
    CheckParty {
        #[command(flatten)]
        verify: VerifyJwtArgs,
        /// The party to check (EORI or did:ishare).
        #[arg(long)]
        party: String,
        /// The SHA-256 of the certificate the party signed with (an
        /// assertion's leaf_sha256): it must be registered.
        #[arg(long = "leaf-sha256")]
        leaf_sha256: Option<String>,
    },
    /// Report every rule of a token (passed, failed, skipped); exit 0 when
    /// it is accepted, 1 when refused.
    Explain(ExplainArgs),
    /// Load a key and chain as signing does and print the chain, until when
    /// it can sign and what some verifiers will refuse; exit 1 if it cannot
    /// sign.
    CheckSigner(CheckSignerArgs),
    /// Decode header and claims WITHOUT verifying anything.
    Inspect {
        /// The token, or `-` to read it from standard input.
        token: String,
    },
    /// Sign and verify an assertion with the repository's test PKI
    /// (testdata/pki/ of a checkout), step by step.
    Demo {
        /// The test PKI's directory (default: testdata/pki of the checkout).
        #[arg(long, value_name = "DIR")]
        pki: Option<PathBuf>,
    },
}

/// What signing needs.
#[derive(Args)]
pub(crate) struct SignArgs {
    /// Private key file (PKCS#8 or PKCS#1, PEM or DER), or a key on a
    /// PKCS#11 token: `pkcs11:token=…;object=…?module-path=…` (the PIN from
    /// the URI's pin-source or the ISHARE_PKCS11_PIN environment variable).
    #[arg(long)]
    key: PathBuf,
    /// Certificate chain file (PEM), leaf first. Optional with a pkcs11:
    /// key: the chain is then read from the token's certificate objects.
    #[arg(long)]
    chain: Option<PathBuf>,
    /// Our party id (EORI or did:ishare).
    #[arg(long = "client")]
    client_id: String,
    /// The server's party id.
    #[arg(long)]
    audience: String,
    /// Issue time, Unix seconds (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// The `jti` (default: a random UUID v4).
    #[arg(long)]
    jti: Option<String>,
}

/// What fetching an access token needs.
#[derive(Args)]
pub(crate) struct TokenArgs {
    /// Private key file (PKCS#8 or PKCS#1, PEM or DER), or a key on a
    /// PKCS#11 token: `pkcs11:token=…;object=…?module-path=…` (the PIN from
    /// the URI's pin-source or the ISHARE_PKCS11_PIN environment variable).
    #[arg(long)]
    key: PathBuf,
    /// Certificate chain file (PEM), leaf first. Optional with a pkcs11:
    /// key: the chain is then read from the token's certificate objects.
    #[arg(long)]
    chain: Option<PathBuf>,
    /// Our party id (EORI or did:ishare).
    #[arg(long = "client")]
    client_id: String,
    /// The server's party id.
    #[arg(long)]
    audience: String,
    /// The server's token endpoint (`https://…/connect/token`).
    #[arg(long)]
    url: String,
    /// The `scope` parameter.
    #[arg(long, default_value = ishare_jwt::DEFAULT_SCOPE)]
    scope: String,
    /// Seconds to wait for the whole request.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Print the whole token response (JSON), not only the access token.
    #[arg(long)]
    json: bool,
}

/// What verifying any iSHARE JWT needs.
#[derive(Args)]
pub(crate) struct VerifyJwtArgs {
    /// Our own party id: the only acceptable audience.
    #[arg(long)]
    audience: String,
    /// A trusted CA certificate (PEM file); repeatable.
    #[arg(long = "trust")]
    trust_pem: Vec<PathBuf>,
    /// A trusted root's SHA-256 fingerprint (hex); repeatable.
    #[arg(long = "trust-sha256")]
    trust_sha256: Vec<String>,
    /// The party that must have signed (`iss`), e.g. the satellite.
    #[arg(long)]
    issuer: Option<String>,
    /// The clock, Unix seconds (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Allowed clock skew in seconds.
    #[arg(long, default_value_t = 0)]
    leeway: u32,
    /// The token, or `-` to read it from standard input.
    token: String,
}

/// What verification needs.
#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// Our own party id: the only acceptable audience.
    #[arg(long)]
    audience: String,
    /// A trusted CA certificate (PEM file); repeatable.
    #[arg(long = "trust")]
    trust_pem: Vec<PathBuf>,
    /// A trusted root's SHA-256 fingerprint (hex); repeatable.
    #[arg(long = "trust-sha256")]
    trust_sha256: Vec<String>,
    /// The clock, Unix seconds (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Allowed clock skew in seconds.
    #[arg(long, default_value_t = 0)]
    leeway: u32,
    /// The `client_id` sent with the token.
    #[arg(long = "client")]
    client_id: Option<String>,
    /// The token, or `-` to read it from standard input.
    token: String,
}

/// What `explain` needs: `verify`'s options, and the general JWT's.
#[derive(Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    verify: VerifyArgs,
    /// Explain any iSHARE JWT (the rules of `verify-jwt`), not a client
    /// assertion.
    #[arg(long, conflicts_with = "client_id")]
    jwt: bool,
    /// With `--jwt`: the party that must have signed (`iss`).
    #[arg(long, requires = "jwt")]
    issuer: Option<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// What `check-signer` needs.
#[derive(Args)]
pub(crate) struct CheckSignerArgs {
    /// Private key file: PKCS#8 or PKCS#1, PEM or DER (without it, only the
    /// chain is checked, as for a key that never leaves its device).
    #[arg(long)]
    key: Option<PathBuf>,
    /// Certificate chain file (PEM), leaf first.
    #[arg(long)]
    chain: PathBuf,
    /// Our party id (EORI or did:ishare).
    #[arg(long = "client")]
    client_id: String,
    /// The time to check the certificates at, Unix seconds (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Assertion(args) => commands::assertion(&args),
        Command::TokenRequest { sign, scope } => commands::token_request(&sign, &scope),
        Command::Verify(args) => commands::verify(&args),
        Command::Token(args) => commands::token(&args),
        Command::SignJwt { sign, claims } => commands::sign_jwt(&sign, claims.as_deref()),
        Command::VerifyJwt(args) => commands::verify_jwt(&args),
        Command::CheckParty {
            verify,
            party,
            leaf_sha256,
        } => commands::check_party(&verify, &party, leaf_sha256.as_deref()),
        Command::Explain(args) => return explain::run(&args),
        Command::CheckSigner(args) => check_signer::check_signer(&args),
        Command::Inspect { token } => commands::inspect(&token),
        Command::Demo { pki } => demo::run(pki.as_deref()),
    };
    match result {
        Ok(output) => {
            outln!("{output}");
            ExitCode::SUCCESS
        }
        Err(error) => report_error(&error),
    }
}

/// `error: <kind>: <detail>` on standard error, and the failure status.
pub(crate) fn report_error(error: &ishare_jwt::Error) -> ExitCode {
    eprintln!("error: {}: {error}", error.kind());
    ExitCode::FAILURE
}
