//! Structure-aware: the input becomes the audience, jti and issue time of a
//! properly signed assertion (a differential check: whatever the signer
//! accepts, the verifier accepts), and also raw header/claims JSON text
//! placed into a token, so the JSON parsers see arbitrary text.
#![no_main]

use ishare_jwt::{Signer, TrustAnchor, Verifier};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";
const NOW: i64 = 1_798_761_600;

static SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_pem(
        include_str!("../../testdata/pki/client-eori.key.pem"),
        include_str!("../../testdata/pki/client-eori.chain.pem"),
        CLIENT,
    )
    .unwrap()
});

fn verifier(audience: &str) -> Option<Verifier> {
    let root = TrustAnchor::parse(include_str!("../../testdata/pki/root-ca.sha256").trim()).ok()?;
    Verifier::new(audience, vec![root]).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut fields = text.splitn(3, '\u{1}');
    let audience = fields.next().unwrap_or_default();
    let jti = fields.next().unwrap_or_default();
    let offset = fields.next().map_or(0, |f| i64::from(f.len() as u8));
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);

    // Differential: a token the signer makes always verifies.
    if let (Some(verifier), Ok(token)) = (
        verifier(audience),
        SIGNER.client_assertion_with_jti(&mut rng, audience, NOW + offset, jti),
    ) {
        let verified = verifier.verify(&token, NOW + offset, Some(CLIENT));
        assert!(verified.is_ok(), "own token refused: {verified:?}");
    }

    // Arbitrary JSON text as header and claims.
    let (header, claims) = text.split_once('\u{2}').unwrap_or((text, text));
    let encode = |s: &str| {
        use ishare_jwt_fuzz_b64::encode;
        encode(s.as_bytes())
    };
    let token = format!("{}.{}.AAAA", encode(header), encode(claims));
    if let Some(verifier) = verifier(SERVER) {
        let _ = verifier.verify(&token, NOW, None);
    }
    let _ = ishare_jwt::decode_unverified(&token);
});

/// base64url without padding, small enough to keep here.
mod ishare_jwt_fuzz_b64 {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }
}
