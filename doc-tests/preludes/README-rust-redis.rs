// no_run: needs a live Redis at REDIS_URL (stage redis tests the stores against one)
use ishare_jwt_redis::{DEFAULT_PREFIX, RedisReplayStore, RedisTokenStore, fetch_with_store};
const REDIS_URL: &str = "redis://127.0.0.1:6379/";
let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
let read = |name: &str| std::fs::read_to_string(format!("{pki}{name}"));
let mut rng = ishare_jwt::system::os_rng();
let now = ishare_jwt::system::unix_now()?;
let signer = ishare_jwt::Signer::from_pem(read("client-eori.key.pem")?, &read("client-eori.chain.pem")?, "EU.EORI.NL000000101")?;
let token = signer.client_assertion(&mut rng, "EU.EORI.NL000000100", now)?;
let client_id = String::from("EU.EORI.NL000000101");
let verifier = ishare_jwt::Verifier::new(
    "EU.EORI.NL000000100",
    vec![ishare_jwt::TrustAnchor::parse(read("root-ca.sha256")?.trim())?],
)?;
let caches = std::sync::Mutex::new(ishare_jwt::VerifierCaches::default());
let mut manager = ishare_jwt::TokenManager::new(signer);
let key = ishare_jwt::TokenKey::new("EU.EORI.NL000000100", "https://server.example/connect/token", "iSHARE");
let post = |_request: &ishare_jwt::TokenRequest| -> ishare_jwt::Result<(u16, Vec<u8>)> { unimplemented!("the reader's HTTP client") };
