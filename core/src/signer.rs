//! The client side: make iSHARE client assertions.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use base64ct::{Base64UrlUnpadded, Encoding};
use rand_core::CryptoRng;

use crate::backend::{SigningKey, SigningPrefix, VerifyingKey};
use crate::claims::SentClaims;
use crate::error::{Error, Result, quote};
use crate::form::{DEFAULT_SCOPE, token_request_form};
use crate::jose::{self, Algorithm};
use crate::json;
use crate::limits::{
    self, MAX_AUDIENCE_BYTES, MAX_CHAIN_CERTIFICATES, MAX_JTI_BYTES, MAX_PEM_BYTES,
};
use crate::own_chain::{self, check_own_chain};
use crate::party::PartyId;
use crate::profile::Profile;
use crate::uuid;
use crate::x509::{self, ChainCertificate};

/// Signs client assertions for one party: its key, its certificate chain,
/// its party id. Load it once; sign per request.
///
/// The header (`alg` RS256, `typ`, `x5c`) is encoded once, here, and (with
/// the default `rsa` backend) the SHA-256 state over it is kept, so each
/// assertion hashes only its claims. The private key is zeroized when the
/// signer is dropped, and signing is blinded: by the `rsa` crate with the
/// RNG passed in (see the README on RUSTSEC-2023-0071), or, with the `aws-lc`
/// feature, by AWS-LC with its own randomness.
///
/// ```
/// use ishare_jwt::{Signer, TrustAnchor, Verifier};
/// # fn rng() -> impl rand_core::CryptoRng { rand_core::UnwrapErr(getrandom::SysRng) }
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/");
/// let key = std::fs::read_to_string(format!("{dir}client-eori.key.pem")).unwrap();
/// let chain = std::fs::read_to_string(format!("{dir}client-eori.chain.pem")).unwrap();
/// let signer = Signer::from_pem(&key, &chain, "EU.EORI.NL000000001")?;
///
/// let now = 1_767_225_600;
/// let token = signer.client_assertion(&mut rng(), "EU.EORI.NL000000000", now)?;
///
/// let root = TrustAnchor::parse("78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69")?;
/// let verifier = Verifier::new("EU.EORI.NL000000000", vec![root])?;
/// let assertion = verifier.verify(&token, now + 1, Some("EU.EORI.NL000000001"))?;
/// assert_eq!(assertion.client_id.as_str(), "EU.EORI.NL000000001");
/// assert_eq!(assertion.expires_at, now + 30);
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
pub struct Signer {
    /// Where signatures come from: the key in memory, a device or service
    /// behind [`ExternalKey`], or nothing (prepare, and [`Signer::finish`]).
    key: KeySource,
    /// The leaf's public key: what every external signature must verify with.
    leaf_key: VerifyingKey,
    /// Every certificate of the chain is valid from here to `valid_until`.
    valid_from: i64,
    valid_until: i64,
    /// What loads but some verifiers refuse.
    warnings: Vec<String>,
    client_id: PartyId,
    profile: Profile,
    chain: Vec<ChainCertificate>,
    header: String,
    /// `header.` — the constant prefix of every signing input — as the
    /// backend keeps it (the `rsa` backend: the SHA-256 state over it).
    prefix: SigningPrefix,
}

impl Signer {
    /// A signer from a private key (PKCS#8 or PKCS#1, PEM — or DER bytes)
    /// and a PEM certificate chain, leaf first, for party `client_id`.
    pub fn from_pem(key: impl AsRef<[u8]>, chain_pem: &str, client_id: &str) -> Result<Signer> {
        let chain = load_pem_chain(chain_pem)?;
        Signer::new(key.as_ref(), chain, client_id)
    }

    /// A signer from a private key in any encoding (PKCS#8 or PKCS#1, PEM or
    /// DER) and DER certificates, leaf first.
    pub fn from_der(key: &[u8], chain_der: Vec<Vec<u8>>, client_id: &str) -> Result<Signer> {
        Signer::new(key, chain_der, client_id)
    }

    /// A signer whose private key never leaves its device: made from the
    /// PEM certificate chain (leaf first) and the party id alone. It
    /// prepares tokens ([`Signer::prepare_assertion`],
    /// [`Signer::prepare_jwt`]); the device signs the [`PendingSignature`];
    /// [`Signer::finish`] checks that signature with the leaf's key and
    /// returns the token.
    pub fn from_chain_pem(chain_pem: &str, client_id: &str) -> Result<Signer> {
        Signer::build(KeySource::None, load_pem_chain(chain_pem)?, client_id)
    }

    /// [`Signer::from_chain_pem`] from DER certificates, leaf first.
    pub fn from_chain_der(chain_der: Vec<Vec<u8>>, client_id: &str) -> Result<Signer> {
        Signer::build(KeySource::None, chain_der, client_id)
    }

    /// A signer whose signatures come from `key` (a PKCS#11 device, a key
    /// service, a callback into another language), with its certificate
    /// chain as DER, leaf first. Every operation of the PEM signer works;
    /// each signature is checked with the leaf's key before a token is
    /// returned ([`Error::KeyMismatch`] otherwise).
    pub fn from_external(
        key: Box<dyn ExternalKey>,
        chain_der: Vec<Vec<u8>>,
        client_id: &str,
    ) -> Result<Signer> {
        Signer::build(KeySource::External(key), chain_der, client_id)
    }

    /// [`Signer::from_external`] with a PEM chain, leaf first.
    pub fn from_external_pem(
        key: Box<dyn ExternalKey>,
        chain_pem: &str,
        client_id: &str,
    ) -> Result<Signer> {
        Signer::build(
            KeySource::External(key),
            load_pem_chain(chain_pem)?,
            client_id,
        )
    }

    fn new(key: &[u8], chain_der: Vec<Vec<u8>>, client_id: &str) -> Result<Signer> {
        let key = crate::key::load_private_key(key)?;
        Signer::build(
            KeySource::Memory(SigningKey::new(key)?),
            chain_der,
            client_id,
        )
    }

    fn build(key: KeySource, chain_der: Vec<Vec<u8>>, client_id: &str) -> Result<Signer> {
        let client_id = PartyId::parse(client_id)?;
        if chain_der.is_empty() {
            return Err(Error::InvalidCertificate(
                "the certificate chain is empty".into(),
            ));
        }
        limits::check("certificate count", chain_der.len(), MAX_CHAIN_CERTIFICATES)?;
        let chain = chain_der
            .into_iter()
            .enumerate()
            .map(|(i, der)| ChainCertificate::from_der(der, &alloc::format!("x5c[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let in_memory = match &key {
            KeySource::Memory(key) => Some(key),
            _ => None,
        };
        let own = check_own_chain(&chain, in_memory, &client_id)?;
        let profile = Profile::ISHARE;
        let (header, prefix) = encode_header(&profile, &chain)?;
        Ok(Signer {
            key,
            leaf_key: own.leaf_key,
            valid_from: own.valid_from,
            valid_until: own.valid_until,
            warnings: own.warnings,
            client_id,
            profile,
            chain,
            header,
            prefix,
        })
    }

    /// The same signer making tokens of another profile (e.g. the generic
    /// OAuth client assertion).
    pub fn with_profile(mut self, profile: Profile) -> Result<Signer> {
        let (header, prefix) = encode_header(&profile, &self.chain)?;
        self.profile = profile;
        self.header = header;
        self.prefix = prefix;
        Ok(self)
    }

    /// The party this signer signs for.
    pub fn client_id(&self) -> &PartyId {
        &self.client_id
    }

    /// The profile of the tokens it makes.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// What loaded but some verifiers will refuse, one sentence each with
    /// its fix: a chain that ends below its root (fingerprint-trusting
    /// verifiers, the iSHARE way, need the root in `x5c`), a root without
    /// basicConstraints. Empty for a chain every verifier accepts.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The last second (Unix) at which every certificate of the chain is
    /// valid: alert before it, renew the certificate.
    pub fn not_after(&self) -> i64 {
        self.valid_until
    }

    /// The first second (Unix) at which every certificate of the chain is
    /// valid.
    pub fn not_before(&self) -> i64 {
        self.valid_from
    }

    /// Refuses a time at which a certificate of the chain is not valid
    /// ([`Error::CertificateExpired`], naming it): every sign operation
    /// checks its `now`, and bindings check the system clock when they make
    /// a signer, so an expired certificate is found before a partner
    /// refuses its tokens.
    pub fn check_validity_at(&self, now: i64) -> Result<()> {
        if (self.valid_from..=self.valid_until).contains(&now) {
            return Ok(());
        }
        own_chain::check_validity_at(&self.chain, now)
    }

    /// SHA-256 of the leaf certificate, upper-case hex.
    pub fn leaf_sha256(&self) -> String {
        self.chain
            .first()
            .map(ChainCertificate::sha256_hex)
            .unwrap_or_default()
    }

    /// A client assertion for `audience` (the server's party id, or for the
    /// OAuth profile the authorization server's issuer identifier), issued at
    /// `issued_at` (Unix seconds), with a fresh UUID v4 `jti`.
    pub fn client_assertion<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
    ) -> Result<String> {
        self.sign(rng, audience, issued_at, None)
    }

    /// A client assertion with a caller-chosen `jti` (it must be unique per
    /// token; the server refuses a second use).
    pub fn client_assertion_with_jti<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
        jti: &str,
    ) -> Result<String> {
        self.sign(rng, audience, issued_at, Some(jti))
    }

    /// The general form of [`Signer::client_assertion`]: `jti` is the
    /// caller's if given, else a fresh UUID v4 (what bindings with an
    /// optional `jti` argument call).
    pub fn sign<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
        jti: Option<&str>,
    ) -> Result<String> {
        let input = self.signing_input(rng, audience, issued_at, jti, None)?;
        self.sign_input(rng, input)
    }

    /// Any iSHARE JWT: the envelope of a client assertion (`iss` = `sub` =
    /// this party, `aud`, `jti`, `iat` = `nbf` = `now`, `exp` = `iat` + the
    /// profile's lifetime) followed by the members of `claims_json`, a JSON
    /// object, in their order and with their values unchanged. A member the
    /// envelope owns (`iss`, `sub`, `aud`, `jti`, `iat`, `nbf`, `exp`), a
    /// value that is not an object, or text that is not JSON is
    /// `invalid_argument`. `jti` as in [`Signer::sign`].
    ///
    /// ```
    /// # use ishare_jwt::{Signer, TrustAnchor, Verifier};
    /// # fn pki(name: &str) -> String {
    /// #     std::fs::read_to_string(format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    /// # }
    /// # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    /// let satellite = Signer::from_pem(pki("server-eori.key.pem"), &pki("server-eori.chain.pem"), "EU.EORI.NL000000100")?;
    /// let now = 1_798_761_600;
    /// let token = satellite.sign_jwt(&mut rng, "EU.EORI.NL000000101", Some(r#"{"parties_info":{"count":0,"data":[]}}"#), now, None)?;
    ///
    /// let client = Verifier::new("EU.EORI.NL000000101", vec![TrustAnchor::parse(pki("root-ca.sha256").trim())?])?;
    /// let jwt = client.verify_jwt(&token, now, Some("EU.EORI.NL000000100"))?;
    /// assert!(jwt.claims_json.ends_with(r#","parties_info":{"count":0,"data":[]}}"#));
    /// # Ok::<(), ishare_jwt::Error>(())
    /// ```
    pub fn sign_jwt<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        claims_json: Option<&str>,
        now: i64,
        jti: Option<&str>,
    ) -> Result<String> {
        let extra = claims_json.map(extra_claims).transpose()?;
        let input = self.signing_input(rng, audience, now, jti, extra.as_ref())?;
        self.sign_input(rng, input)
    }

    /// `header.claims` of a token: the envelope, then `extra`'s members.
    fn signing_input<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
        jti: Option<&str>,
        extra: Option<&json::Object>,
    ) -> Result<String> {
        let random_jti;
        let jti = match jti {
            Some(jti) => jti,
            None => {
                random_jti = uuid::new_v4(rng);
                random_jti.as_str()
            }
        };
        self.check_audience(audience)?;
        if jti.is_empty() || jti.len() > MAX_JTI_BYTES || jti.chars().any(char::is_control) {
            return Err(Error::InvalidArgument(alloc::format!(
                "jti must be 1 to {MAX_JTI_BYTES} bytes without control characters"
            )));
        }
        let expires_at = issued_at
            .checked_add(i64::from(self.profile.lifetime_secs()))
            .filter(|_| issued_at >= 0)
            .ok_or_else(|| {
                Error::InvalidArgument(alloc::format!(
                    "issued_at {issued_at} is not a usable Unix time"
                ))
            })?;
        self.check_validity_at(issued_at)?;
        let claims = SentClaims {
            iss: self.client_id.as_str(),
            sub: self.client_id.as_str(),
            aud: audience,
            jti,
            iat: issued_at,
            nbf: issued_at,
            exp: expires_at,
        };
        let size_hint = 128 + 2 * self.client_id.as_str().len() + audience.len() + jti.len();
        let mut json = crate::json::encode(&claims, size_hint)?;
        if let Some(extra) = extra.filter(|e| !e.members().is_empty()) {
            // The envelope ends with `}`: continue the object after it.
            json.pop();
            let mut members = String::new();
            json::write_members(&mut members, extra);
            json.push(b',');
            json.extend_from_slice(members.as_bytes());
            json.push(b'}');
        }
        let claims = Base64UrlUnpadded::encode_string(&json);
        let mut input = String::with_capacity(self.header.len() + claims.len() + 400);
        input.push_str(&self.header);
        input.push('.');
        input.push_str(&claims);
        Ok(input)
    }

    /// A client assertion whose signature is to be made elsewhere: what
    /// [`Signer::client_assertion`] signs (`jti` as in [`Signer::sign`]).
    pub fn prepare_assertion<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
        jti: Option<&str>,
    ) -> Result<PendingSignature> {
        self.signing_input(rng, audience, issued_at, jti, None)
            .map(PendingSignature::new)
    }

    /// Any iSHARE JWT whose signature is to be made elsewhere: what
    /// [`Signer::sign_jwt`] signs.
    pub fn prepare_jwt<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        claims_json: Option<&str>,
        now: i64,
        jti: Option<&str>,
    ) -> Result<PendingSignature> {
        let extra = claims_json.map(extra_claims).transpose()?;
        self.signing_input(rng, audience, now, jti, extra.as_ref())
            .map(PendingSignature::new)
    }

    /// The token, once `signature` (RSASSA-PKCS1-v1_5 with SHA-256 over
    /// [`PendingSignature::message`], as many bytes as the leaf's modulus)
    /// verifies with the chain's leaf key. A device holding another key,
    /// or signing with another padding, gives [`Error::KeyMismatch`] —
    /// never a token that every verifier would refuse.
    pub fn finish(&self, pending: PendingSignature, signature: &[u8]) -> Result<String> {
        if !self.leaf_key.verify(
            Algorithm::RS256.scheme(),
            pending.signing_input.as_bytes(),
            signature,
        ) {
            return Err(Error::KeyMismatch);
        }
        let mut token = pending.signing_input;
        token.push('.');
        token.push_str(&Base64UrlUnpadded::encode_string(signature));
        Ok(token)
    }

    /// Signs with the in-memory key or the external one, or says how to
    /// sign without either.
    fn sign_input<R: CryptoRng + ?Sized>(&self, rng: &mut R, mut input: String) -> Result<String> {
        let key = match &self.key {
            KeySource::Memory(key) => key,
            KeySource::External(key) => {
                let pending = PendingSignature::new(input);
                let signature = key.sign(&pending)?;
                return self.finish(pending, &signature);
            }
            KeySource::None => {
                return Err(Error::InvalidKey(
                    "this signer holds no private key (made from a chain alone): use prepare_assertion or prepare_jwt, sign the pending digest on the device, then finish".into(),
                ));
            }
        };
        let signature = key.sign_rs256(rng, &self.prefix, input.as_bytes())?;
        input.push('.');
        input.push_str(&Base64UrlUnpadded::encode_string(&signature));
        Ok(input)
    }

    /// The form body of a token request carrying a fresh assertion (`jti`
    /// as in [`Signer::sign`]; `scope` defaults to `iSHARE`).
    pub fn token_request<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        audience: &str,
        issued_at: i64,
        jti: Option<&str>,
        scope: Option<&str>,
    ) -> Result<String> {
        let assertion = self.sign(rng, audience, issued_at, jti)?;
        token_request_form(
            self.client_id.as_str(),
            &assertion,
            scope.unwrap_or(DEFAULT_SCOPE),
        )
    }

    /// iSHARE audiences are party ids; OAuth audiences are issuer identifiers.
    fn check_audience(&self, audience: &str) -> Result<()> {
        if self.profile == Profile::ISHARE {
            PartyId::parse(audience)?;
        }
        if audience.is_empty()
            || audience.len() > MAX_AUDIENCE_BYTES
            || audience.chars().any(char::is_control)
        {
            return Err(Error::InvalidArgument(alloc::format!(
                "audience \"{}\" must be 1 to {MAX_AUDIENCE_BYTES} bytes without control characters",
                quote(audience)
            )));
        }
        Ok(())
    }
}

/// A private key that is not in memory: a PKCS#11 device, a key service,
/// a callback into another language. It is given the [`PendingSignature`]
/// and returns the RSASSA-PKCS1-v1_5 SHA-256 signature over its message
/// (as many bytes as the leaf's modulus); the signer checks it with the
/// leaf's key. A device that fails reports [`Error::KeyStore`], naming
/// the device and key, never a PIN.
pub trait ExternalKey: Send + Sync {
    /// The signature over `pending.message()`.
    fn sign(&self, pending: &PendingSignature) -> Result<Vec<u8>>;
}

/// Where a [`Signer`]'s signatures come from.
// One per signer, made once: its size does not matter, and the in-memory
// key stays inline on the hot path.
#[allow(clippy::large_enum_variant)]
enum KeySource {
    Memory(SigningKey),
    External(Box<dyn ExternalKey>),
    /// Prepare only; [`Signer::finish`] takes the signature.
    None,
}

impl core::fmt::Debug for Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the key.
        f.debug_struct("Signer")
            .field("client_id", &self.client_id.as_str())
            .field("profile", &self.profile)
            .field("leaf_sha256", &self.leaf_sha256())
            .finish_non_exhaustive()
    }
}

fn encode_header(profile: &Profile, chain: &[ChainCertificate]) -> Result<(String, SigningPrefix)> {
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.der.clone()).collect();
    let header = jose::encode_header(profile, &ders)?;
    let prefix = SigningPrefix::new(&header);
    Ok((header, prefix))
}

/// Reads a PEM chain (leaf first) into the DER certificates it carries.
pub(crate) fn load_pem_chain(chain_pem: &str) -> Result<Vec<Vec<u8>>> {
    limits::check(
        "certificate chain PEM size in bytes",
        chain_pem.len(),
        MAX_PEM_BYTES,
    )?;
    x509::pem_certificates(chain_pem, "the PEM certificate chain")
}

/// The claims a caller adds to the envelope: one JSON object, none of whose
/// members the envelope owns.
fn extra_claims(claims_json: &str) -> Result<json::Object> {
    const ENVELOPE: [&str; 7] = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"];
    limits::check(
        "claims JSON size in bytes",
        claims_json.len(),
        limits::MAX_JWT_CLAIMS_BYTES,
    )
    .map_err(|e| Error::InvalidArgument(alloc::format!("{e}")))?;
    let object = json::parse("claims", claims_json.as_bytes())
        .and_then(|value| value.into_object("claims"))
        .map_err(|e| Error::InvalidArgument(alloc::format!("claims_json: {e}")))?;
    if let Some((name, _)) = object
        .members()
        .iter()
        .find(|(name, _)| ENVELOPE.contains(&name.as_str()))
    {
        return Err(Error::InvalidArgument(alloc::format!(
            "claims_json must not set \"{}\": the signer sets iss, sub, aud, jti, iat, nbf and exp",
            quote(name)
        )));
    }
    Ok(object)
}

/// A token waiting for its signature from a key that is not in memory (an
/// HSM through PKCS#11, a cloud key service, a callback): RSASSA-PKCS1-v1_5
/// with SHA-256 over [`PendingSignature::message`]. Some devices take the
/// message, some the [`PendingSignature::digest`], raw-RSA ones the
/// [`PendingSignature::digest_info`].
#[derive(Clone, PartialEq, Eq)]
pub struct PendingSignature {
    signing_input: String,
    digest: [u8; 32],
}

/// The DER `DigestInfo` prefix of SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

impl PendingSignature {
    fn new(signing_input: String) -> PendingSignature {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(signing_input.as_bytes()).into();
        PendingSignature {
            signing_input,
            digest,
        }
    }

    /// What is signed: the JWS signing input `header.payload`.
    pub fn message(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// SHA-256 of [`PendingSignature::message`].
    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    /// The DER `DigestInfo` of the digest: what a raw PKCS#1 v1.5 signing
    /// mechanism (PKCS#11 `CKM_RSA_PKCS`) pads and signs.
    pub fn digest_info(&self) -> Vec<u8> {
        let mut info = SHA256_DIGEST_INFO_PREFIX.to_vec();
        info.extend_from_slice(&self.digest);
        info
    }

    /// The JWS algorithm: always RS256.
    pub fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

impl core::fmt::Debug for PendingSignature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PendingSignature")
            .field("algorithm", &"RS256")
            .field("message_len", &self.signing_input.len())
            .finish()
    }
}
