//! A token endpoint made for the tests (RFC 6749 §4.4 with RFC 7523 client
//! assertions, checked by this library's verifier) and a protected resource,
//! on 127.0.0.1. Std only; one thread per connection; stops when dropped.
//!
//! - `POST /connect/token[?expires_in=N][&delay_ms=N][&fail=400|500]`:
//!   verifies the client assertion (server `EU.EORI.NL000000100`, the
//!   repository test PKI's root), answers `{"access_token","token_type",
//!   "expires_in"}`, or `400 invalid_client` with the reason, or the
//!   failure asked for. Every request is counted.
//! - `GET /resource`: 200 for a current token, 401 otherwise.
//! - `POST /revoke`: every token issued so far becomes stale (401).
//! - `GET /count`: how many token requests were served.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ishare_jwt::{OAuthError, ReplayCache, TrustAnchor, Verifier};

/// The party id the endpoint answers as (the assertions' audience).
pub const SERVER_ID: &str = "EU.EORI.NL000000100";
/// The repository test PKI root's fingerprint.
const ROOT_SHA256: &str = include_str!("../../../testdata/pki/root-ca.sha256");

struct State {
    verifier: Verifier,
    replay: Mutex<ReplayCache>,
    tokens: Mutex<HashSet<String>>,
    token_requests: AtomicUsize,
    issued: AtomicUsize,
    stopping: AtomicBool,
}

/// A running endpoint; stops when dropped.
pub struct Endpoint {
    address: SocketAddr,
    state: Arc<State>,
}

impl Endpoint {
    /// Starts on 127.0.0.1, on `port` (0: any free one).
    pub fn start(port: u16) -> std::io::Result<Endpoint> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let address = listener.local_addr()?;
        let root = TrustAnchor::parse(ROOT_SHA256.trim()).map_err(std::io::Error::other)?;
        let verifier = Verifier::new(SERVER_ID, vec![root])
            .and_then(|v| v.with_leeway(5))
            .map_err(std::io::Error::other)?;
        let state = Arc::new(State {
            verifier,
            replay: Mutex::new(ReplayCache::default()),
            tokens: Mutex::new(HashSet::new()),
            token_requests: AtomicUsize::new(0),
            issued: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        });
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let state = Arc::clone(&shared);
                    std::thread::spawn(move || {
                        let _ = serve(stream, &state);
                    });
                }
            }
        });
        Ok(Endpoint { address, state })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Token requests served so far.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::SeqCst)
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.address);
    }
}

fn serve(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    let mut authorization = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => content_length = value.trim().parse().unwrap_or(0),
            "authorization" => authorization = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; content_length.min(1 << 20)];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (status, content_type, answer) = match (method, path) {
        ("POST", "/connect/token") => token(state, query, &String::from_utf8_lossy(&body)),
        ("GET", "/resource") => resource(state, &authorization),
        ("POST", "/revoke") => {
            state
                .tokens
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            (200, "text/plain", "revoked".into())
        }
        ("GET", "/count") => (
            200,
            "text/plain",
            state.token_requests.load(Ordering::SeqCst).to_string(),
        ),
        _ => (404, "text/plain", "not found".into()),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{answer}",
        reason(status),
        answer.len()
    )?;
    stream.flush()
}

fn token(state: &State, query: &str, body: &str) -> (u16, &'static str, String) {
    state.token_requests.fetch_add(1, Ordering::SeqCst);
    let option = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse::<u64>().ok())
    };
    if let Some(delay) = option("delay_ms") {
        std::thread::sleep(Duration::from_millis(delay));
    }
    let refuse = |error: &OAuthError| (error.status, "application/json", error.body());
    match option("fail") {
        Some(500) => return (500, "text/plain", "internal error (asked for)".into()),
        Some(400) => {
            return refuse(&OAuthError {
                status: 400,
                error: "invalid_client",
                error_description: "refused as the test asked".into(),
            });
        }
        _ => {}
    }
    // The library's own token-endpoint rules: parse, verify, answer.
    let request = match ishare_jwt::parse_token_request(body) {
        Ok(request) => request,
        Err(error) => return refuse(&error),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let mut replay = state.replay.lock().unwrap_or_else(PoisonError::into_inner);
    let verified = state.verifier.verify_once(
        &request.client_assertion,
        now,
        Some(&request.client_id),
        &mut replay,
    );
    drop(replay);
    if let Err(error) = verified {
        return refuse(&OAuthError::from_error(&error));
    }
    let token = format!("token-{}", state.issued.fetch_add(1, Ordering::SeqCst) + 1);
    state
        .tokens
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(token.clone());
    let expires_in = option("expires_in").unwrap_or(3600);
    (
        200,
        "application/json",
        ishare_jwt::token_response_body(&token, expires_in, None),
    )
}

fn resource(state: &State, authorization: &str) -> (u16, &'static str, String) {
    let token = authorization.strip_prefix("Bearer ").unwrap_or("");
    if state
        .tokens
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(token)
    {
        (200, "application/json", r#"{"resource":"ok"}"#.into())
    } else {
        (
            401,
            "application/json",
            r#"{"error":"invalid_token"}"#.into(),
        )
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Internal Server Error",
    }
}
