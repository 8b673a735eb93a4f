// The reader's own: the client's PEM text, and what a token request brought
// to the server (a fresh assertion of that client, its client_id field).
let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
let key_pem = std::fs::read_to_string(format!("{pki}client-eori.key.pem"))?;
let chain_pem = std::fs::read_to_string(format!("{pki}client-eori.chain.pem"))?;
let token = ishare_jwt::Signer::from_pem(&key_pem, &chain_pem, "EU.EORI.NL000000101")?
    .client_assertion_now("EU.EORI.NL000000100")?;
let client_id_param = "EU.EORI.NL000000101";
