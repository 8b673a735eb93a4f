// The surrounding code: the satellite's signer, the server's verifier, a
// client whose assertion the server verified, the satellite's answer about
// it, and its trusted list, verified.
let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
let read = |name: &str| std::fs::read_to_string(format!("{pki}{name}"));
let mut rng = ishare_jwt::system::os_rng();
let now = ishare_jwt::system::unix_now()?;
let root_sha256 = read("root-ca.sha256")?.trim().to_owned();
let satellite = ishare_jwt::Signer::from_pem(
    read("server-eori.key.pem")?,
    &read("server-eori.chain.pem")?,
    "EU.EORI.NL000000100",
)?;
let verifier = ishare_jwt::Verifier::new(
    "EU.EORI.NL000000101",
    vec![ishare_jwt::TrustAnchor::parse(&root_sha256)?],
)?;
let client_id = "did:ishare:EU.NL.NTRNL-90000101";
let client = ishare_jwt::Signer::from_pem(read("client-did.key.pem")?, &read("client-did.chain.pem")?, client_id)?;
let assertion = verifier.verify(
    &client.client_assertion(&mut rng, "EU.EORI.NL000000101", now)?,
    now,
    Some(client_id),
)?;
let parties = format!(
    r#"{{"parties_info":{{"count":1,"data":[{{"party_id":"{client_id}","party_name":"Demo Client DID","adherence":{{"status":"Active","start_date":"2020-01-01T00:00:00Z","end_date":"2099-01-01T00:00:00Z"}},"certificates":[{{"x5t#S256":"{}"}}]}}]}}}}"#,
    assertion.leaf_sha256
);
let parties_json = parties.as_str();
let trusted_list = format!(
    r#"{{"trusted_list":[{{"subject":"CN=ishare-jwt Test Root CA","certificate_fingerprint":"{root_sha256}","validity":"valid","status":"granted"}}]}}"#
);
let trusted_list_jwt = verifier.verify_jwt(
    &satellite.sign_jwt(&mut rng, "EU.EORI.NL000000101", Some(&trusted_list), now, None)?,
    now,
    Some("EU.EORI.NL000000100"),
)?;
