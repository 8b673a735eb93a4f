//! The CLI's one HTTP call: POST a token request. ureq (blocking, small,
//! rustls with the operating system's certificate store through
//! rustls-platform-verifier): a one-shot command needs no async runtime,
//! and nothing here links OpenSSL.

use std::time::Duration;

use ishare_jwt::{Error, TokenRequest};
use ureq::tls::{RootCerts, TlsConfig};

/// Largest response body read.
const MAX_BODY_BYTES: u64 = ishare_jwt::limits::MAX_RESPONSE_BYTES as u64;

/// Sends `request`; the answer's status and body, whatever the status.
/// Connection, TLS and timeout failures are [`Error::Network`].
pub(crate) fn post(request: &TokenRequest, timeout: Duration) -> Result<(u16, Vec<u8>), Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();
    let network = |e: ureq::Error| Error::Network(format!("POST {}: {e}", request.url));
    let mut response = agent
        .post(&request.url)
        .header("Content-Type", request.content_type)
        .header("Accept", "application/json")
        .send(request.body.as_str())
        .map_err(network)?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(network)?;
    Ok((status, body))
}
