// The surrounding code: the library block's import, the chain, an RNG, the
// clock; and the reader's device, here the test key signing RS256
// (PKCS#1 v1.5 over the SHA-256 digest) as an HSM would.
use ishare_jwt::Signer;
use rsa::pkcs8::DecodePrivateKey;
let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
let chain_pem = std::fs::read_to_string(format!("{pki}client-eori.chain.pem"))?;
let mut rng = ishare_jwt::system::os_rng();
let now = ishare_jwt::system::unix_now()?;
let device = rsa::RsaPrivateKey::from_pkcs8_pem(&std::fs::read_to_string(format!("{pki}client-eori.key.pem"))?)?;
let device_sign = |digest: &[u8]| {
    device
        .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest)
        .expect("the device signs")
};
