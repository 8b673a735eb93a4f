# Sourced by scripts/make-test-pki: one certificate chain per RFC 5280 path
# rule the verifier applies (issue 17), made with openssl — independently of
# the Rust certificate workshop the unit tests use — under the test PKI's
# root, each with a client assertion signed by its leaf key and the verdict
# every binding must reach (testdata/path-rules/vectors.json).

rules_out=testdata/path-rules
rules_now=1798761600 # 2027-01-01T00:00:00Z
rules_client=EU.EORI.NL000000101
rules_server=EU.EORI.NL000000100

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# $1 = case, $2 = issuer cert, $3 = issuer key, $4 = subject, $5 = key,
# $6 = extension lines, $7 = output cert ("self" in $2 self-signs)
rules_cert() {
  local dir="$work/rules-$1-$RANDOM"
  mkdir -p "$dir"
  : > "$dir/index.txt"
  openssl rand -hex 16 > "$dir/serial"
  cat > "$dir/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
countryName = optional
organizationName = optional
commonName = supplied
serialNumber = optional
[ext]
$6
[excluded]
C = NL
O = $1 excluded
CNF
  openssl req -new -key "$5" -subj "$4" -out "$dir/req.csr"
  if [ "$2" = self ]; then
    openssl ca -batch -notext -selfsign -config "$dir/ca.cnf" -keyfile "$5" \
      -startdate "$start" -enddate "$end" -extensions ext -in "$dir/req.csr" -out "$7" 2>/dev/null
  else
    openssl ca -batch -notext -config "$dir/ca.cnf" -cert "$2" -keyfile "$3" \
      -startdate "$start" -enddate "$end" -extensions ext -in "$dir/req.csr" -out "$7" 2>/dev/null
  fi
}

# $1 = case, $2 = chain PEM (leaf first): a client assertion signed with the
# client key, its x5c = the chain.
rules_assertion() {
  local x5c
  x5c=$(awk '/BEGIN/{c=""; next} /END/{print c; next} {c=c $0}' "$2" | sed 's/.*/"&"/' | paste -sd, -)
  local header="{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[$x5c]}"
  local claims="{\"iss\":\"$rules_client\",\"sub\":\"$rules_client\",\"aud\":\"$rules_server\",\"jti\":\"path-rule-$1\",\"iat\":$rules_now,\"nbf\":$rules_now,\"exp\":$((rules_now + 30))}"
  local input
  input="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
  printf '%s.%s' "$input" "$(printf '%s' "$input" | openssl dgst -sha256 -sign "$out/client-eori.key.pem" | b64url)"
}

LEAF="basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation"
CA="basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign"
CA_PATHLEN0="basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign"
UNKNOWN_CRITICAL="1.3.6.1.4.1.99999.1 = critical, ASN1:NULL"

# $1 = case, $2 = expected verdict, $3 = leaf extensions, $4 = intermediate
# extensions, [$5 = extensions of a second intermediate between the first
# and the leaf]
rules_case() {
  local subject="/C=NL/O=Path rule $1/CN=Path rule $1/serialNumber=$rules_client"
  local inter="$work/$1-inter.pem" leaf="$work/$1-leaf.pem" chain="$rules_out/$1.chain.pem"
  rules_cert "$1" "$out/root-ca.pem" "$out/root-ca.key.pem" \
    "/C=NL/O=Path rule $1 CA/CN=Path rule $1 CA" "$out/intermediate-ca.key.pem" "$4" "$inter"
  if [ $# -ge 5 ]; then
    local lower="$work/$1-lower.pem"
    rules_cert "$1" "$inter" "$out/intermediate-ca.key.pem" \
      "/C=NL/O=Path rule $1 sub-CA/CN=Path rule $1 sub-CA" "$out/server-eori.key.pem" "$5" "$lower"
    rules_cert "$1" "$lower" "$out/server-eori.key.pem" "$subject" "$out/client-eori.key.pem" "$3" "$leaf"
    cat "$leaf" "$lower" "$inter" "$out/root-ca.pem" > "$chain"
  else
    rules_cert "$1" "$inter" "$out/intermediate-ca.key.pem" "$subject" "$out/client-eori.key.pem" "$3" "$leaf"
    cat "$leaf" "$inter" "$out/root-ca.pem" > "$chain"
  fi
  rules_vector "$1" "$2" "$chain" "$(cat "$out/root-ca.sha256")"
}

rules_vector() { # $1 = case, $2 = verdict, $3 = chain, $4 = trusted SHA-256
  [ -s "$rules_vectors" ] && printf ',\n' >> "$rules_vectors"
  printf '    {"name": "%s", "expect": "%s", "token": "%s",\n     "verifier": {"audience": "%s", "client_id": "%s", "now": %s, "leeway": 0, "trusted_roots": ["%s"]}}' \
    "$1" "$2" "$(rules_assertion "$1" "$3")" "$rules_server" "$rules_client" "$rules_now" "$4" >> "$rules_vectors"
}

make_path_rules() {
  mkdir -p "$rules_out"
  rm -f "$rules_out"/*.chain.pem
  rules_vectors="$work/vectors.body"
  : > "$rules_vectors"
  # Refused: each breaks one rule.
  rules_case leaf_key_encipherment_only certificate_usage \
    "basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment" "$CA_PATHLEN0"
  rules_case leaf_key_cert_sign_only certificate_usage \
    "basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign" "$CA_PATHLEN0"
  rules_case leaf_is_ca certificate_usage \
    "basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign" "$CA"
  rules_case ca_without_key_cert_sign certificate_usage "$LEAF" \
    "basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign"
  rules_case path_len_zero_above_a_ca certificate_usage "$LEAF" "$CA_PATHLEN0" "$CA"
  rules_case name_constraints_exclude_the_leaf certificate_usage "$LEAF" \
    "$CA
nameConstraints = critical, excluded;dirName:excluded_name
[excluded_name]
C = NL
O = Path rule name_constraints_exclude_the_leaf"
  rules_case unknown_critical_extension_on_leaf invalid_certificate "$LEAF
$UNKNOWN_CRITICAL" "$CA_PATHLEN0"
  rules_case unknown_critical_extension_on_ca invalid_certificate "$LEAF" "$CA_PATHLEN0
$UNKNOWN_CRITICAL"
  # Accepted: what the rules must not refuse.
  rules_case key_usage_absent valid "basicConstraints = critical, CA:FALSE" "$CA_PATHLEN0"
  rules_case content_commitment_only valid \
    "basicConstraints = critical, CA:FALSE
keyUsage = critical, nonRepudiation" "$CA_PATHLEN0"
  rules_case eku_server_auth_only valid "$LEAF
extendedKeyUsage = serverAuth" "$CA_PATHLEN0"
  rules_case path_len_zero_above_the_leaf valid "$LEAF" "$CA_PATHLEN0"
  rules_case unknown_noncritical_extension valid "$LEAF
1.3.6.1.4.1.99999.1 = ASN1:NULL" "$CA_PATHLEN0"
  # A self-signed CA:TRUE leaf, trusted by its own fingerprint.
  local pinned="$rules_out/pinned_self_signed_ca_leaf.chain.pem"
  rules_cert pinned self "" "/C=NL/O=Pinned Client/CN=Pinned Client/serialNumber=$rules_client" \
    "$out/client-eori.key.pem" "basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign" "$pinned"
  rules_vector pinned_self_signed_ca_leaf valid "$pinned" \
    "$(openssl x509 -in "$pinned" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')"
  {
    printf '{\n  "about": "One chain per certificate path rule (issue 17), made by scripts/make-test-pki with openssl; each token is a client assertion signed by the leaf key. Re-made with: scripts/make-test-pki path-rules",\n  "vectors": [\n'
    cat "$rules_vectors"
    printf '\n  ]\n}\n'
  } > "$rules_out/vectors.json"
  python3 -m json.tool "$rules_out/vectors.json" > /dev/null
  echo "path-rule chains and vectors written to $rules_out ($(grep -c '"name"' "$rules_out/vectors.json") cases)"
}
