//! A small certificate workshop for tests: take the repository PKI's
//! certificates apart at the DER level, change a field, and either sign the
//! result again with the real CA key (what a CA could have issued) or keep
//! the old signature (what an attacker can do without any key).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::ptr_arg,
    clippy::type_complexity
)] // test helpers fail by panicking, on inputs they made themselves

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::{Digest, Sha256};

/// One DER element: tag, header length, whole length.
fn der_header(bytes: &[u8]) -> (u8, usize, usize) {
    let tag = bytes[0];
    let first = bytes[1] as usize;
    if first < 0x80 {
        return (tag, 2, 2 + first);
    }
    let count = first & 0x7f;
    let len = bytes[2..2 + count]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | *b as usize);
    (tag, 2 + count, 2 + count + len)
}

/// A DER element from its tag and value.
pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match value.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(value);
    out
}

/// The value of one element.
pub fn value(element: &[u8]) -> &[u8] {
    let (_, head, total) = der_header(element);
    &element[head..total]
}

/// The elements one after another in `bytes`, each whole.
pub fn elements(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (_, _, total) = der_header(rest);
        out.push(rest[..total].to_vec());
        rest = &rest[total..];
    }
    out
}

/// The children of a constructed element.
pub fn children(element: &[u8]) -> Vec<Vec<u8>> {
    elements(value(element))
}

/// A SEQUENCE of `parts`.
pub fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// Every certificate of a PEM text as DER.
pub fn pem_der(pem: &str) -> Vec<Vec<u8>> {
    pem.split("-----END CERTIFICATE-----")
        .filter_map(|block| block.split("-----BEGIN CERTIFICATE-----").nth(1))
        .map(|b64| Base64::decode_vec(&b64.replace(['\n', '\r'], "")).unwrap())
        .collect()
}

fn pki_path(name: &str) -> String {
    format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A private key of the repository PKI (`client-eori`, `intermediate-ca`, …).
pub fn key(stem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(
        &std::fs::read_to_string(pki_path(&format!("{stem}.key.pem"))).unwrap(),
    )
    .unwrap()
}

/// The DER chain of a repository PKI file (`client-eori.chain.pem`, `root-ca.pem`).
pub fn chain(file: &str) -> Vec<Vec<u8>> {
    pem_der(&std::fs::read_to_string(pki_path(file)).unwrap())
}

/// The fields of a certificate's tbsCertificate, in order: version, serial,
/// signature, issuer, validity, subject, subjectPublicKeyInfo, extensions.
pub fn tbs_fields(certificate: &[u8]) -> Vec<Vec<u8>> {
    children(&children(certificate)[0])
}

/// Field positions in [`tbs_fields`] (for a v3 certificate).
pub const SIGNATURE: usize = 2;
pub const ISSUER: usize = 3;
pub const VALIDITY: usize = 4;
pub const SUBJECT: usize = 5;
pub const SPKI: usize = 6;
pub const EXTENSIONS: usize = 7;

/// `sha256WithRSAEncryption` with NULL parameters.
pub fn sha256_with_rsa() -> Vec<u8> {
    sequence(&[
        tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        ),
        vec![0x05, 0x00],
    ])
}

/// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (RFC 4055).
pub fn rsassa_pss_sha256() -> Vec<u8> {
    let sha256 = sequence(&[
        tlv(
            0x06,
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
        ),
        vec![0x05, 0x00],
    ]);
    let mgf1 = sequence(&[
        tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08],
        ),
        sha256.clone(),
    ]);
    sequence(&[
        tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        ),
        sequence(&[
            tlv(0xa0, &sha256),
            tlv(0xa1, &mgf1),
            tlv(0xa2, &[0x02, 0x01, 0x20]),
        ]),
    ])
}

/// How a certificate is signed.
#[derive(Clone, Copy)]
pub enum Scheme {
    Pkcs1Sha256,
    PssSha256,
}

/// A certificate from tbs fields, signed by `issuer_key`; the fields'
/// signature algorithm is set to match.
pub fn signed(mut fields: Vec<Vec<u8>>, issuer_key: &RsaPrivateKey, scheme: Scheme) -> Vec<u8> {
    let algorithm = match scheme {
        Scheme::Pkcs1Sha256 => sha256_with_rsa(),
        Scheme::PssSha256 => rsassa_pss_sha256(),
    };
    fields[SIGNATURE] = algorithm.clone();
    let tbs = sequence(&fields);
    let digest = Sha256::digest(&tbs);
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let signature = match scheme {
        Scheme::Pkcs1Sha256 => issuer_key
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            .unwrap(),
        Scheme::PssSha256 => issuer_key
            .sign_with_rng(&mut rng, Pss::<Sha256>::new(), &digest)
            .unwrap(),
    };
    let mut bits = vec![0u8];
    bits.extend(signature);
    sequence(&[tbs, algorithm, tlv(0x03, &bits)])
}

/// `certificate` with its tbs fields changed by `change`, signed again by
/// `issuer_key` (what a CA could issue).
pub fn reissued(
    certificate: &[u8],
    issuer_key: &RsaPrivateKey,
    change: impl FnOnce(&mut Vec<Vec<u8>>),
) -> Vec<u8> {
    let mut fields = tbs_fields(certificate);
    change(&mut fields);
    signed(fields, issuer_key, Scheme::Pkcs1Sha256)
}

/// `certificate` with its tbs fields changed by `change` but its old
/// signature kept (what anyone can do without a key).
pub fn rewritten(certificate: &[u8], change: impl FnOnce(&mut Vec<Vec<u8>>)) -> Vec<u8> {
    let parts = children(certificate);
    let mut fields = tbs_fields(certificate);
    change(&mut fields);
    sequence(&[sequence(&fields), parts[1].clone(), parts[2].clone()])
}

/// The three encodings a DER-tolerant parser reads but a re-encoder
/// changes, each as a change to tbs fields.
pub fn non_canonical_rewrites() -> Vec<(&'static str, fn(&mut Vec<Vec<u8>>))> {
    vec![
        ("GeneralizedTime before 2050", generalized_not_before),
        ("explicit critical FALSE", explicit_critical_false),
        ("unsorted multi-valued RDN", unsorted_rdn),
    ]
}

/// notBefore `YYMMDDHHMMSSZ` (UTCTime) rewritten as GeneralizedTime.
pub fn generalized_not_before(fields: &mut Vec<Vec<u8>>) {
    let mut times = children(&fields[VALIDITY]);
    let utc = value(&times[0]).to_vec();
    assert_eq!(times[0][0], 0x17, "notBefore is a UTCTime");
    let mut generalized = b"20".to_vec();
    generalized.extend(utc);
    times[0] = tlv(0x18, &generalized);
    fields[VALIDITY] = sequence(&times);
}

/// The first non-critical extension given an explicit `critical FALSE`.
pub fn explicit_critical_false(fields: &mut Vec<Vec<u8>>) {
    let mut extensions = children(&children(&fields[EXTENSIONS])[0]);
    let position = extensions
        .iter()
        .position(|e| children(e).len() == 2)
        .expect("a non-critical extension");
    let parts = children(&extensions[position]);
    extensions[position] = sequence(&[parts[0].clone(), vec![0x01, 0x01, 0x00], parts[1].clone()]);
    fields[EXTENSIONS] = tlv(0xa3, &sequence(&extensions));
}

/// The subject's last two RDNs merged into one SET, out of DER order.
pub fn unsorted_rdn(fields: &mut Vec<Vec<u8>>) {
    let mut rdns = children(&fields[SUBJECT]);
    let last = children(&rdns.pop().unwrap()).remove(0);
    let before = children(&rdns.pop().unwrap()).remove(0);
    let (low, high) = if before < last {
        (before, last)
    } else {
        (last, before)
    };
    rdns.push(tlv(0x31, &[high, low].concat()));
    fields[SUBJECT] = sequence(&rdns);
}

/// A Name of single-valued RDNs: `(oid value bytes, string tag, text)`.
pub fn name(attributes: &[(&[u8], u8, &str)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attributes
        .iter()
        .map(|(oid, tag, text)| {
            tlv(
                0x31,
                &sequence(&[tlv(0x06, oid), tlv(*tag, text.as_bytes())]),
            )
        })
        .collect();
    sequence(&rdns)
}

/// OIDs of Name attributes.
pub const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
pub const SERIAL_NUMBER: &[u8] = &[0x55, 0x04, 0x05];
pub const ORGANIZATION_IDENTIFIER: &[u8] = &[0x55, 0x04, 0x61];

/// A compact RS256 token over raw header and claims JSON.
pub fn token(header: &str, claims: &str, key: &RsaPrivateKey) -> String {
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(claims.as_bytes())
    );
    let signature = key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(input.as_bytes()),
        )
        .unwrap();
    format!("{input}.{}", Base64UrlUnpadded::encode_string(&signature))
}

/// The header JSON of a token carrying `chain`.
pub fn header(chain: &[Vec<u8>]) -> String {
    let x5c: Vec<String> = chain.iter().map(|c| Base64::encode_string(c)).collect();
    serde_json::json!({"alg": "RS256", "typ": "JWT", "x5c": x5c}).to_string()
}

/// Client-assertion claims from `iss` to `aud` at `now`.
pub fn claims(iss: &str, aud: &str, now: i64, jti: &str) -> String {
    serde_json::json!({"iss": iss, "sub": iss, "aud": aud, "jti": jti,
                       "iat": now, "nbf": now, "exp": now + 30})
    .to_string()
}

/// A client assertion with `chain` in x5c, signed by `key`.
pub fn assertion(chain: &[Vec<u8>], key: &RsaPrivateKey, iss: &str, aud: &str, now: i64) -> String {
    token(&header(chain), &claims(iss, aud, now, "mini-ca"), key)
}

/// Upper-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// An Extension: `SEQUENCE { extnID, critical (if TRUE), extnValue }`.
pub fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![tlv(0x06, oid)];
    if critical {
        parts.push(vec![0x01, 0x01, 0xff]);
    }
    parts.push(tlv(0x04, value));
    sequence(&parts)
}

/// The tbs fields with `extension` in place of the one with its OID (or
/// added), creating the `[3]` extensions when there are none.
pub fn with_extension(fields: &mut Vec<Vec<u8>>, extension: Vec<u8>) {
    let oid = children(&extension)[0].clone();
    let mut list = match fields.get(EXTENSIONS) {
        Some(explicit) => children(&children(explicit)[0]),
        None => Vec::new(),
    };
    match list.iter().position(|e| children(e)[0] == oid) {
        Some(at) => list[at] = extension,
        None => list.push(extension),
    }
    let extensions = tlv(0xa3, &sequence(&list));
    if fields.len() > EXTENSIONS {
        fields[EXTENSIONS] = extensions;
    } else {
        fields.push(extensions);
    }
}

/// The tbs fields without the extension whose OID value is `oid`.
pub fn without_extension(fields: &mut [Vec<u8>], oid: &[u8]) {
    let mut list = children(&children(&fields[EXTENSIONS])[0]);
    list.retain(|e| value(&children(e)[0]) != oid);
    fields[EXTENSIONS] = tlv(0xa3, &sequence(&list));
}

/// Extension OIDs (values) and values for the path-rule cases.
pub mod ext {
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    pub const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    pub const NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
    /// 1.3.6.1.4.1.99999.1: a private OID nobody processes.
    pub const UNKNOWN: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01];
    /// basicConstraints cA TRUE.
    pub const CA_TRUE: &[u8] = &[0x30, 0x03, 0x01, 0x01, 0xff];
    /// keyUsage values (BIT STRINGs).
    pub const KU_KEY_ENCIPHERMENT: &[u8] = &[0x03, 0x02, 0x05, 0x20];
    pub const KU_KEY_CERT_SIGN: &[u8] = &[0x03, 0x02, 0x02, 0x04];
    pub const KU_CONTENT_COMMITMENT: &[u8] = &[0x03, 0x02, 0x06, 0x40];
    pub const KU_CRL_SIGN: &[u8] = &[0x03, 0x02, 0x01, 0x02];
    pub const KU_SIGNATURE_AND_CERT_SIGN: &[u8] = &[0x03, 0x02, 0x02, 0x84];
    /// extendedKeyUsage serverAuth only.
    pub const EKU_SERVER_AUTH: &[u8] = &[
        0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
    ];
}

/// nameConstraints excluding the subtree `name` (a Name's DER).
pub fn name_constraints_excluding(name: &[u8]) -> Vec<u8> {
    let subtree = sequence(&[tlv(0xa4, name)]);
    sequence(&[tlv(0xa1, &subtree)])
}

/// The leading `count` RDNs of a Name, as a Name.
pub fn name_prefix(name: &[u8], count: usize) -> Vec<u8> {
    sequence(&children(name)[..count])
}
