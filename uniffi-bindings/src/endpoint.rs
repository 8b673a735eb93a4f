//! The server's token endpoint, sans-IO as in the core: read the token
//! request, answer with a token response or an OAuth error. The app's web
//! framework (Ktor, Spring, Vapor) does the HTTP.

use std::collections::HashMap;
use std::fmt;

use crate::error::{IshareJwtError, guard};

/// A token request whose form is right: the parts to verify.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ParsedTokenRequest {
    /// `client_id`: what the assertion's `iss` must be (`Verifier.verify`'s
    /// `clientId`).
    pub client_id: String,
    /// `client_assertion`: the token to verify.
    pub client_assertion: String,
    /// `scope` (`iSHARE` when the request has none).
    pub scope: String,
}

/// An OAuth error response (RFC 6749 §5.2): the answer to a refused token
/// request. Send `body` with HTTP status `status` and the headers of
/// `tokenResponseHeaders()`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OAuthErrorResponse {
    /// The HTTP status: 400, or 503 / 500 for the server's own trouble.
    pub status: u16,
    /// The `error` code (`invalid_request`, `invalid_client`,
    /// `unsupported_grant_type`, `temporarily_unavailable`, `server_error`).
    pub error: String,
    /// The `error_description`: what was wrong, for the client's developer
    /// (never key material).
    pub error_description: String,
    /// The JSON body, as the core writes it: `{"error": …,
    /// "error_description": …}`.
    pub body: String,
}

impl From<ishare_jwt::OAuthError> for OAuthErrorResponse {
    fn from(answer: ishare_jwt::OAuthError) -> Self {
        OAuthErrorResponse {
            status: answer.status,
            error: answer.error.to_owned(),
            body: answer.body(),
            error_description: answer.error_description,
        }
    }
}

/// What `parseTokenRequest` throws: the request is refused, and `response`
/// is the answer to send — the same record `oauthErrorFor` returns. Kotlin:
/// `OAuthException.Refused` (`e.response`); Swift: `OAuthError.Refused(response:)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum OAuthError {
    /// The token request is refused.
    Refused {
        /// The answer to send.
        response: OAuthErrorResponse,
    },
}

impl From<ishare_jwt::OAuthError> for OAuthError {
    fn from(answer: ishare_jwt::OAuthError) -> Self {
        OAuthError::Refused {
            response: answer.into(),
        }
    }
}

/// A panic while reading a request is the server's own fault: the answer
/// the core gives for `Internal` (500 `server_error`).
impl From<IshareJwtError> for OAuthError {
    fn from(error: IshareJwtError) -> Self {
        OAuthError::Refused {
            response: oauth_error_for(error),
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let OAuthError::Refused { response } = self;
        write!(
            f,
            "{} {}: {}",
            response.status, response.error, response.error_description
        )
    }
}

impl std::error::Error for OAuthError {}

/// Reads an `application/x-www-form-urlencoded` token request body: its
/// `client_id`, `client_assertion` and `scope` once `grant_type` is
/// `client_credentials` and `client_assertion_type` the JWT bearer type.
/// Throws `OAuthError.Refused` (Kotlin `OAuthException.Refused`) with the
/// answer to send when the form is wrong: a field missing or sent twice, or a body too
/// large (`invalid_request`), another grant type
/// (`unsupported_grant_type`), another assertion type (`invalid_client`).
/// Then verify `clientAssertion` with `Verifier.verify(…, clientId =
/// clientId)`.
#[uniffi::export]
pub fn parse_token_request(form_body: String) -> Result<ParsedTokenRequest, OAuthError> {
    guard(|| {
        let request = ishare_jwt::parse_token_request(&form_body)?;
        Ok(ParsedTokenRequest {
            client_id: request.client_id,
            client_assertion: request.client_assertion,
            scope: request.scope,
        })
    })
}

/// The answer a token endpoint gives for `error`, one mapping for every
/// binding: a refused client assertion is `invalid_client` (400); a full
/// replay cache or a network failure `temporarily_unavailable` (503); the
/// library's own fault `server_error` (500); a bad argument
/// `invalid_request` (400). The `error_description` is the kind and the
/// detail (`"expired: …"`).
#[uniffi::export]
pub fn oauth_error_for(error: IshareJwtError) -> OAuthErrorResponse {
    // The core judges by kind; the description is its own format, "kind:
    // detail" (a unit test compares both with the core's own answer).
    let mut answer = ishare_jwt::OAuthError::from_error(&error.exemplar());
    answer.error_description = format!("{}: {}", error.kind_name(), error.message());
    answer.into()
}

/// The JSON body of a successful token response (RFC 6749 §5.1):
/// `access_token`, `token_type` `Bearer`, `expires_in` and, when given,
/// `scope`. Send it with status 200 and the headers of
/// `tokenResponseHeaders()`.
#[uniffi::export(default(scope = None))]
pub fn token_response_body(access_token: String, expires_in: u64, scope: Option<String>) -> String {
    ishare_jwt::token_response_body(&access_token, expires_in, scope.as_deref())
}

/// The headers every token-endpoint answer carries, success or error
/// (RFC 6749 §5.1): `Content-Type: application/json`, `Cache-Control:
/// no-store`, `Pragma: no-cache`.
#[uniffi::export]
pub fn token_response_headers() -> HashMap<String, String> {
    ishare_jwt::TOKEN_RESPONSE_HEADERS
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{CLIENT, NOW, SATELLITE, pki_signer, pki_verifier};

    fn refused(form: &str) -> (u16, String, String) {
        let OAuthError::Refused { response } = parse_token_request(form.into()).unwrap_err();
        (response.status, response.error, response.error_description)
    }

    #[test]
    fn a_token_request_parses_into_what_to_verify() {
        let fields = pki_signer("client-eori", CLIENT, None)
            .token_request(SATELLITE.into(), None)
            .unwrap();
        let form = ishare_jwt::token_request_form(
            CLIENT,
            fields.get("client_assertion").unwrap(),
            "iSHARE",
        )
        .unwrap();
        let request = parse_token_request(form).unwrap();
        assert_eq!(
            (request.client_id.as_str(), request.scope.as_str()),
            (CLIENT, "iSHARE")
        );
        pki_verifier(SATELLITE, None)
            .verify(request.client_assertion, None, Some(request.client_id))
            .unwrap();
    }

    #[test]
    fn each_wrong_form_has_its_answer() {
        let bad = |grant: &str, kind: &str| {
            format!(
                "grant_type={grant}&client_assertion_type={kind}&client_assertion=a.b.c&client_id={CLIENT}"
            )
        };
        let jwt_bearer = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";
        let request = parse_token_request(bad("client_credentials", jwt_bearer)).unwrap();
        assert_eq!(request.scope, "iSHARE");
        assert_eq!(refused("").1, "invalid_request");
        assert_eq!(
            refused(&bad("password", jwt_bearer)).1,
            "unsupported_grant_type"
        );
        assert_eq!(
            refused(&bad("client_credentials", "other")).1,
            "invalid_client"
        );
        let twice = format!("{}&scope=a&scope=b", bad("client_credentials", jwt_bearer));
        let (status, error, description) = refused(&twice);
        assert_eq!(
            (status, error.as_str(), description.as_str()),
            (400, "invalid_request", "scope is sent more than once")
        );
    }

    #[test]
    fn oauth_error_for_is_the_cores_answer() {
        let signer = pki_signer("client-eori", CLIENT, None);
        let verifier = pki_verifier(SATELLITE, None);
        let token = signer
            .client_assertion(SATELLITE.into(), Some(NOW), None)
            .unwrap();
        let expired = ishare_jwt::Error::Expired {
            exp: NOW + 30,
            now: NOW + 30,
            leeway: 0,
        };
        let cores = [
            expired,
            ishare_jwt::Error::ReplayCacheFull {
                capacity: 2,
                issuer: Some(CLIENT.into()),
            },
            ishare_jwt::Error::Internal("bug".into()),
            ishare_jwt::Error::InvalidArgument("scope".into()),
            ishare_jwt::Error::BufferTooSmall { needed: 3 },
            ishare_jwt::Error::Network("connection refused".into()),
            ishare_jwt::Error::CertificateUsage("a CA leaf".into()),
            ishare_jwt::Error::TokenEndpoint {
                status: 400,
                error: None,
                error_description: None,
            },
        ];
        for core in cores {
            let expected = OAuthErrorResponse::from(ishare_jwt::OAuthError::from_error(&core));
            assert_eq!(oauth_error_for(core.clone().into()), expected, "{core:?}");
        }
        let refused = verifier
            .verify(token, Some(NOW + 30), Some(CLIENT.into()))
            .unwrap_err();
        let answer = oauth_error_for(refused);
        assert_eq!(
            (answer.status, answer.error.as_str()),
            (400, "invalid_client")
        );
        assert!(answer.error_description.starts_with("expired: exp "));
        assert_eq!(
            oauth_error_for(crate::panic_selftest().unwrap_err()).status,
            500
        );
    }

    #[test]
    fn responses_and_headers_are_the_cores() {
        assert_eq!(
            token_response_body("abc".into(), 3600, Some("iSHARE".into())),
            r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"iSHARE"}"#
        );
        assert_eq!(
            token_response_body("a\"b".into(), 1, None),
            r#"{"access_token":"a\"b","token_type":"Bearer","expires_in":1}"#
        );
        let headers = token_response_headers();
        assert_eq!(headers.len(), 3);
        assert_eq!(headers["Cache-Control"], "no-store");
        assert_eq!(headers["Pragma"], "no-cache");
        assert_eq!(headers["Content-Type"], "application/json");
        let answer = OAuthError::from(ishare_jwt::OAuthError {
            status: 400,
            error: "invalid_scope",
            error_description: "say \"iSHARE\"".into(),
        });
        let OAuthError::Refused { response } = &answer;
        assert_eq!(
            response.body,
            r#"{"error":"invalid_scope","error_description":"say \"iSHARE\""}"#
        );
        assert_eq!(answer.to_string(), "400 invalid_scope: say \"iSHARE\"");
    }
}
