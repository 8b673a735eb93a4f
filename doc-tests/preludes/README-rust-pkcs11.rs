// no_run: signing needs the reader's PKCS#11 token (stage pkcs11 runs the same calls on SoftHSM)
let uri = "pkcs11:token=eseal;object=client?module-path=/usr/lib/softhsm/libsofthsm2.so";
let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
let chain_pem = std::fs::read_to_string(format!("{pki}client-eori.chain.pem"))?;
let mut rng = ishare_jwt::system::os_rng();
let now = ishare_jwt::system::unix_now()?;
