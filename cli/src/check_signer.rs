//! `ishare-jwt check-signer`: load a key and chain as every signing command
//! does — so the core's own-chain check runs ([`ishare_jwt::Signer`]) — and
//! say what a service should know before it signs: the chain's certificates,
//! until when it can sign, and what some verifiers will refuse.

use base64ct::{Base64UrlUnpadded, Encoding};
use ishare_jwt::{CertificateReport, Error, Signer, TrustAnchor, Verifier};

use crate::CheckSignerArgs;
use crate::io::{now, read_bytes, read_text};

/// The chain, its validity and its warnings; an error for a chain no
/// verifier accepts or one not valid at `--now` (default: the clock).
pub(crate) fn check_signer(args: &CheckSignerArgs) -> Result<String, Error> {
    let chain_pem = read_text(&args.chain)?;
    let signer = match &args.key {
        Some(key) => Signer::from_pem(read_bytes(key)?, &chain_pem, &args.client_id)?,
        None => Signer::from_chain_pem(&chain_pem, &args.client_id)?,
    };
    let at = args.now.map_or_else(now, Ok)?;
    signer.check_validity_at(at)?;
    let mut out = format!(
        "signer {} ({}): can sign now ({at})\n",
        signer.client_id().as_str(),
        if args.key.is_some() {
            "the key matches x5c[0]"
        } else {
            "chain only, no key given"
        }
    );
    for certificate in certificates(&chain_pem, signer.client_id().as_str())? {
        out.push_str(&format!(
            "x5c[{}] {}\n  issuer {}\n  not after {} ({})  sha256 {}\n",
            certificate.position,
            ishare_jwt::escape_for_display(&certificate.subject),
            ishare_jwt::escape_for_display(&certificate.issuer),
            utc(certificate.not_after),
            certificate.not_after,
            certificate.sha256,
        ));
    }
    out.push_str(&format!(
        "not_after {} ({}): renew before then",
        utc(signer.not_after()),
        signer.not_after()
    ));
    for warning in signer.warnings() {
        out.push_str("\nwarning: ");
        out.push_str(&ishare_jwt::escape_for_display(warning));
    }
    Ok(out)
}

/// The certificates as the core reads them. The core describes
/// certificates for people only in an explain report, so the chain goes
/// into the `x5c` of an unsigned token that only `explain` ever sees: it
/// reads the chain and nothing else of it matters here.
fn certificates(chain_pem: &str, party: &str) -> Result<Vec<CertificateReport>, Error> {
    let x5c: Vec<String> = chain_pem
        .split("-----END CERTIFICATE-----")
        .filter_map(|block| block.split("-----BEGIN CERTIFICATE-----").nth(1))
        .map(|b64| b64.split_whitespace().collect())
        .collect();
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "x5c": x5c}).to_string();
    let token = format!(
        "{}.e30.AAAA",
        Base64UrlUnpadded::encode_string(header.as_bytes())
    );
    let anyone = TrustAnchor::from_sha256_hex(&"00".repeat(32))?;
    let report = Verifier::new(party, vec![anyone])?.explain_jwt(&token, 0, None)?;
    Ok(report.chain)
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
fn utc(unix: i64) -> String {
    let (days, seconds) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::utc(2_366_841_600), "2045-01-01T00:00:00Z");
        assert_eq!(super::utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::utc(-1), "1969-12-31T23:59:59Z");
    }
}
