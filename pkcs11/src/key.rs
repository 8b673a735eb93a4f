//! [`Pkcs11Key`]: a private key on a PKCS#11 token, signing for a
//! [`Signer`](ishare_jwt::Signer) through [`ExternalKey`].

use std::fmt;
use std::sync::{Mutex, PoisonError};

use cryptoki::context::Pkcs11;
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use ishare_jwt::{Error, ExternalKey, PendingSignature, Result};
use zeroize::Zeroizing;

use crate::certificate::{self, strip_leading_zeros};
use crate::module;
use crate::uri::Pkcs11Uri;

/// The environment variable holding the PIN when neither the caller nor
/// the URI gives one.
pub const PIN_ENV: &str = "ISHARE_PKCS11_PIN";

/// The most certificates read from a token for one chain.
const MAX_CHAIN: usize = 10;

/// How the token signs RS256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignMechanism {
    /// `CKM_SHA256_RSA_PKCS`: the token hashes the message and signs.
    Sha256RsaPkcs,
    /// `CKM_RSA_PKCS`: the token pads and signs the SHA-256 `DigestInfo`
    /// it is given (for tokens without the former).
    RsaPkcs,
}

/// A private RSA key on a PKCS#11 token (HSM, USB token, smart card, cloud
/// HSM), named by an RFC 7512 URI. It never leaves the device: the token
/// signs each [`PendingSignature`].
///
/// One `Pkcs11Key` serves many threads: each signature takes an idle
/// session of its own (opening one when none is idle) and gives it back, so
/// threads sign in parallel as far as the token allows, and no session is
/// ever used by two threads at once. The login is the token's, shared by
/// every session of the process; a second key on a token this process is
/// already logged in to shares that login.
///
/// The PIN is kept (for logging in again after a token drops the login) in
/// memory that is wiped on drop; it is never in an error or `Debug`.
pub struct Pkcs11Key {
    token: Token,
    key: ObjectHandle,
    mechanism: SignMechanism,
    /// Which certificate object goes with the key: the URI's `id`, else its
    /// `object` label.
    id: Option<Vec<u8>>,
    label: Option<String>,
    idle_sessions: Mutex<Vec<Session>>,
}

/// The token a key is on, and how to log in to it.
struct Token {
    module: Pkcs11,
    slot: Slot,
    pin: Option<AuthPin>,
    /// `PKCS#11 token "…", object "…"`: how errors name the key.
    name: String,
}

impl Pkcs11Key {
    /// Opens the key `uri` names (see [`Pkcs11Uri`]): loads the module,
    /// finds the token, logs in, finds the private key and the mechanism.
    ///
    /// The PIN: `pin` if given, else the URI's `pin-value` or
    /// `pin-source`, else the environment variable [`PIN_ENV`]; none is
    /// needed for a token without login or with a PIN pad. A malformed URI
    /// is `invalid_argument`; a module that does not load, a token or key
    /// not found, a wrong or locked PIN, a device error are `key_store`,
    /// naming the token and the object, never the PIN.
    pub fn open(uri: &str, pin: Option<&str>) -> Result<Pkcs11Key> {
        Pkcs11Key::open_uri(&Pkcs11Uri::parse(uri)?, pin)
    }

    /// [`Pkcs11Key::open`] with a parsed URI.
    pub fn open_uri(uri: &Pkcs11Uri, pin: Option<&str>) -> Result<Pkcs11Key> {
        let module_path = module::path_for(uri.module_path.as_deref())?;
        let module = module::load(&module_path)?;
        let object = uri.describe_object();
        let (slot, token_label) = find_token(&module, uri).map_err(|why| {
            Error::KeyStore(format!(
                "PKCS#11 module {}: {why} (wanted for {object})",
                module_path.display()
            ))
        })?;
        let name = format!("PKCS#11 token \"{token_label}\", {object}");
        let pin = resolve_pin(uri, pin)?.map(|pin| AuthPin::new(pin.as_str().into()));
        let token = Token {
            module,
            slot,
            pin,
            name,
        };
        let session = token.open_session()?;
        let template = key_template(uri.id.as_deref(), uri.object.as_deref());
        let key = token.find_private_key(&session, &template)?;
        let mechanism = token.choose_mechanism()?;
        Ok(Pkcs11Key {
            token,
            key,
            mechanism,
            id: uri.id.clone(),
            label: uri.object.clone(),
            // Kept open: the login lasts while a session of the process is.
            idle_sessions: Mutex::new(vec![session]),
        })
    }

    /// How the token signs: `CKM_SHA256_RSA_PKCS` when it has it, else
    /// `CKM_RSA_PKCS` over the `DigestInfo`.
    pub fn mechanism(&self) -> SignMechanism {
        self.mechanism
    }

    /// The same key signing with `mechanism` (e.g. to test the raw
    /// `CKM_RSA_PKCS` path on a token that has both). `key_store` if the
    /// token does not offer it.
    pub fn with_mechanism(mut self, mechanism: SignMechanism) -> Result<Pkcs11Key> {
        let offered = self.token.offered_mechanisms()?;
        if !offered.contains(&mechanism_type(mechanism)) {
            return Err(Error::KeyStore(format!(
                "{}: the token does not offer {mechanism:?}",
                self.token.name
            )));
        }
        self.mechanism = mechanism;
        Ok(self)
    }

    /// How errors name this key: `PKCS#11 token "…", object "…" id …`.
    pub fn name(&self) -> &str {
        &self.token.name
    }

    /// The certificate chain stored on the token, as DER, leaf first: the
    /// certificate object with the key's `id` (or, without an `id` in the
    /// URI, its label), then each issuer found among the token's other
    /// certificate objects, up to a self-issued root. `key_store` when the
    /// token holds no certificate for the key.
    pub fn certificate_chain_der(&self) -> Result<Vec<Vec<u8>>> {
        self.with_session(|session| {
            let mut wanted = vec![Attribute::Class(ObjectClass::CERTIFICATE)];
            match (&self.id, &self.label) {
                (Some(id), _) => wanted.push(Attribute::Id(id.clone())),
                (None, Some(label)) => wanted.push(Attribute::Label(label.as_bytes().to_vec())),
                (None, None) => {}
            }
            let leaf = session
                .find_objects(&wanted)
                .map_err(|e| device_error(&self.token.name, "finding its certificate", &e))?;
            let leaf = leaf.first().ok_or_else(|| {
                Error::KeyStore(format!(
                    "{}: the token holds no certificate object with the key's {}: give the chain as PEM, or store the certificate on the token",
                    self.token.name,
                    if self.id.is_some() { "id" } else { "label" }
                ))
            })?;
            let leaf = self.value(session, *leaf)?;
            let others = session
                .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
                .map_err(|e| device_error(&self.token.name, "listing certificates", &e))?
                .into_iter()
                .map(|object| self.value(session, object))
                .collect::<Result<Vec<_>>>()?;
            chain_from(leaf, others, &self.token.name)
        })
    }

    /// Compares the token's public key (modulus and exponent, from the
    /// private key object or its public key object) with the leaf
    /// certificate's: [`Error::KeyMismatch`] when they differ. A token that
    /// shows neither passes here; every signature is still checked with
    /// the leaf's key.
    pub fn check_matches_leaf(&self, leaf_der: &[u8]) -> Result<()> {
        let leaf = certificate::read(leaf_der, "the leaf certificate")?;
        let (Some(leaf_modulus), Some(leaf_exponent)) = (leaf.rsa_modulus, leaf.rsa_exponent)
        else {
            return Err(Error::KeyMismatch);
        };
        let Some((modulus, exponent)) = self.public_numbers()? else {
            return Ok(());
        };
        if strip_leading_zeros(&modulus) != leaf_modulus.as_slice()
            || strip_leading_zeros(&exponent) != leaf_exponent.as_slice()
        {
            return Err(Error::KeyMismatch);
        }
        Ok(())
    }

    /// The RSA modulus and exponent of the key, if the token shows them.
    fn public_numbers(&self) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        self.with_session(|session| {
            let mut candidates = vec![self.key];
            let mut public = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
            public.extend(
                key_template(self.id.as_deref(), self.label.as_deref())
                    .into_iter()
                    .skip(1),
            );
            candidates.extend(session.find_objects(&public).unwrap_or_default());
            for object in candidates {
                let attributes = session
                    .get_attributes(
                        object,
                        &[AttributeType::Modulus, AttributeType::PublicExponent],
                    )
                    .unwrap_or_default();
                let mut modulus = None;
                let mut exponent = None;
                for attribute in attributes {
                    match attribute {
                        Attribute::Modulus(m) if !m.is_empty() => modulus = Some(m),
                        Attribute::PublicExponent(e) if !e.is_empty() => exponent = Some(e),
                        _ => {}
                    }
                }
                if let (Some(modulus), Some(exponent)) = (modulus, exponent) {
                    return Ok(Some((modulus, exponent)));
                }
            }
            Ok(None)
        })
    }

    fn value(&self, session: &Session, object: ObjectHandle) -> Result<Vec<u8>> {
        let attributes = session
            .get_attributes(object, &[AttributeType::Value])
            .map_err(|e| device_error(&self.token.name, "reading a certificate", &e))?;
        attributes
            .into_iter()
            .find_map(|a| match a {
                Attribute::Value(der) => Some(der),
                _ => None,
            })
            .ok_or_else(|| {
                Error::KeyStore(format!(
                    "{}: a certificate object has no CKA_VALUE",
                    self.token.name
                ))
            })
    }

    /// Runs `work` on an idle session (or a new one), then gives the session
    /// back unless the token says it is gone.
    fn with_session<T>(&self, work: impl FnOnce(&Session) -> Result<T>) -> Result<T> {
        let idle = self
            .idle_sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let session = match idle {
            Some(session) => session,
            None => self.token.open_session()?,
        };
        let result = work(&session);
        let alive = session.get_session_info().is_ok();
        if alive {
            self.idle_sessions
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(session);
        }
        result
    }

    fn sign_once(
        &self,
        session: &Session,
        pending: &PendingSignature,
    ) -> cryptoki::error::Result<Vec<u8>> {
        match self.mechanism {
            SignMechanism::Sha256RsaPkcs => {
                session.sign(&Mechanism::Sha256RsaPkcs, self.key, pending.message())
            }
            SignMechanism::RsaPkcs => {
                session.sign(&Mechanism::RsaPkcs, self.key, &pending.digest_info())
            }
        }
    }
}

impl Token {
    /// A new session, logged in.
    fn open_session(&self) -> Result<Session> {
        let session = self
            .module
            .open_ro_session(self.slot)
            .map_err(|e| device_error(&self.name, "opening a session", &e))?;
        self.log_in(&session)?;
        Ok(session)
    }

    fn find_private_key(&self, session: &Session, template: &[Attribute]) -> Result<ObjectHandle> {
        let found = session
            .find_objects(template)
            .map_err(|e| device_error(&self.name, "finding the key", &e))?;
        let key = match found.as_slice() {
            [key] => *key,
            [] => {
                return Err(Error::KeyStore(format!(
                    "{}: no such private key on the token",
                    self.name
                )));
            }
            more => {
                return Err(Error::KeyStore(format!(
                    "{}: {} private keys match: name one with both object= and id=",
                    self.name,
                    more.len()
                )));
            }
        };
        let key_type = session
            .get_attributes(key, &[AttributeType::KeyType])
            .map_err(|e| device_error(&self.name, "reading the key type", &e))?;
        if !key_type.contains(&Attribute::KeyType(KeyType::RSA)) {
            return Err(Error::InvalidKey(format!(
                "{}: not an RSA key (iSHARE signs RS256)",
                self.name
            )));
        }
        Ok(key)
    }

    fn offered_mechanisms(&self) -> Result<Vec<MechanismType>> {
        self.module
            .get_mechanism_list(self.slot)
            .map_err(|e| device_error(&self.name, "listing its mechanisms", &e))
    }

    fn choose_mechanism(&self) -> Result<SignMechanism> {
        let offered = self.offered_mechanisms()?;
        [SignMechanism::Sha256RsaPkcs, SignMechanism::RsaPkcs]
            .into_iter()
            .find(|m| offered.contains(&mechanism_type(*m)))
            .ok_or_else(|| {
                Error::KeyStore(format!(
                    "{}: the token offers neither CKM_SHA256_RSA_PKCS nor CKM_RSA_PKCS",
                    self.name
                ))
            })
    }

    /// Logs the user in (once per token and process) if the session is not.
    fn log_in(&self, session: &Session) -> Result<()> {
        let state = session
            .get_session_info()
            .map_err(|e| device_error(&self.name, "reading the session state", &e))?
            .session_state();
        if state != SessionState::RoPublic && state != SessionState::RwPublic {
            return Ok(());
        }
        let token = self
            .module
            .get_token_info(self.slot)
            .map_err(|e| device_error(&self.name, "reading the token", &e))?;
        if !token.login_required() {
            return Ok(());
        }
        if self.pin.is_none() && !token.protected_authentication_path() {
            return Err(Error::KeyStore(format!(
                "{}: the token needs a PIN: pass one, put pin-source=file:/path (or pin-value=) in the URI, or set {PIN_ENV}",
                self.name
            )));
        }
        match session.login(UserType::User, self.pin.as_ref()) {
            Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(e) => Err(device_error(&self.name, "logging in", &e)),
        }
    }
}

impl ExternalKey for Pkcs11Key {
    fn sign(&self, pending: &PendingSignature) -> Result<Vec<u8>> {
        self.with_session(|session| {
            let signature = match self.sign_once(session, pending) {
                // The token dropped the login (e.g. after a reset): once more.
                Err(CryptokiError::Pkcs11(RvError::UserNotLoggedIn, _)) => {
                    self.token.log_in(session)?;
                    self.sign_once(session, pending)
                }
                other => other,
            };
            signature.map_err(|e| device_error(&self.token.name, "signing", &e))
        })
    }
}

impl fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Key")
            .field("name", &self.token.name)
            .field("slot", &self.token.slot.id())
            .field("mechanism", &self.mechanism)
            .field("pin", &self.token.pin.as_ref().map(|_| "(hidden)"))
            .finish_non_exhaustive()
    }
}

/// `CKA_CLASS` = private key, and the URI's `id` and label.
fn key_template(id: Option<&[u8]>, label: Option<&str>) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(id) = id {
        template.push(Attribute::Id(id.to_vec()));
    }
    if let Some(label) = label {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    template
}

fn mechanism_type(mechanism: SignMechanism) -> MechanismType {
    match mechanism {
        SignMechanism::Sha256RsaPkcs => MechanismType::SHA256_RSA_PKCS,
        SignMechanism::RsaPkcs => MechanismType::RSA_PKCS,
    }
}

/// The caller's PIN, else the URI's, else the environment's.
fn resolve_pin(uri: &Pkcs11Uri, pin: Option<&str>) -> Result<Option<Zeroizing<String>>> {
    if let Some(pin) = pin {
        return Ok(Some(Zeroizing::new(pin.to_owned())));
    }
    if let Some(pin) = uri.pin()? {
        return Ok(Some(pin));
    }
    Ok(std::env::var(PIN_ENV).ok().map(Zeroizing::new))
}

/// The first initialised token the URI's token attributes match, and its
/// label; the reason otherwise.
fn find_token(module: &Pkcs11, uri: &Pkcs11Uri) -> std::result::Result<(Slot, String), String> {
    let slots = module
        .get_slots_with_initialized_token()
        .map_err(|e| format!("listing its tokens failed: {e}"))?;
    let mut seen = Vec::new();
    for slot in slots {
        let Ok(token) = module.get_token_info(slot) else {
            continue;
        };
        let matches = |wanted: &Option<String>, have: &str| {
            wanted.as_deref().is_none_or(|wanted| wanted == have)
        };
        if matches(&uri.token, token.label())
            && matches(&uri.manufacturer, token.manufacturer_id())
            && matches(&uri.model, token.model())
            && matches(&uri.serial, token.serial_number())
            && uri.slot_id.is_none_or(|id| id == slot.id())
        {
            return Ok((slot, token.label().to_owned()));
        }
        seen.push(format!("\"{}\"", token.label()));
    }
    let wanted = uri
        .token
        .as_deref()
        .map_or_else(|| "matching the URI".to_owned(), |t| format!("\"{t}\""));
    Err(if seen.is_empty() {
        "it has no initialised token".to_owned()
    } else {
        format!("no token {wanted} (it has {})", seen.join(", "))
    })
}

/// The leaf, then each issuer found among `others`, up to a self-issued
/// certificate or the first issuer the token does not hold.
fn chain_from(leaf: Vec<u8>, others: Vec<Vec<u8>>, name: &str) -> Result<Vec<Vec<u8>>> {
    let mut current = certificate::read(&leaf, &format!("{name}: the certificate object"))?;
    let others: Vec<(certificate::CertificateFields, Vec<u8>)> = others
        .into_iter()
        .filter_map(|der| Some((certificate::read(&der, "").ok()?, der)))
        .collect();
    let mut chain = vec![leaf];
    while current.issuer != current.subject && chain.len() < MAX_CHAIN {
        let Some((fields, der)) = others
            .iter()
            .find(|(fields, der)| fields.subject == current.issuer && !chain.contains(der))
        else {
            break;
        };
        chain.push(der.clone());
        current = certificate::read(der, "")?;
        debug_assert!(current.subject == fields.subject);
    }
    Ok(chain)
}

/// A failed PKCS#11 call as `key_store`, naming the key and what was being
/// done, in words for the failures a user can act on.
fn device_error(name: &str, doing: &str, error: &CryptokiError) -> Error {
    let why = match error {
        CryptokiError::Pkcs11(rv, _) => match rv {
            RvError::PinIncorrect => "the PIN is wrong (CKR_PIN_INCORRECT)".to_owned(),
            RvError::PinLocked => {
                "the PIN is locked after too many wrong tries (CKR_PIN_LOCKED)".to_owned()
            }
            RvError::PinExpired => "the PIN has expired (CKR_PIN_EXPIRED)".to_owned(),
            RvError::PinInvalid | RvError::PinLenRange => {
                "the PIN has characters or a length the token refuses".to_owned()
            }
            RvError::TokenNotPresent | RvError::DeviceRemoved => {
                "the token is not present (removed?)".to_owned()
            }
            RvError::KeyFunctionNotPermitted => {
                "the key may not sign (CKA_SIGN is false)".to_owned()
            }
            other => format!("device error {other:?}"),
        },
        other => format!("{other}"),
    };
    Error::KeyStore(format!("{name}: {doing} failed: {why}"))
}
