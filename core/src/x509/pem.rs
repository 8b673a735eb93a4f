//! PEM certificates (RFC 7468) to the DER bytes they carry, unchanged: a
//! certificate is never parsed and encoded again on its way in.

use alloc::vec::Vec;
use base64ct::{Base64, Encoding};

use crate::error::{Error, Result};

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// Every `CERTIFICATE` block of `pem`, in order, as DER. Text between
/// blocks (comments, `openssl x509 -text` output) is ignored; a block of
/// another label is refused so a key is never taken for a certificate.
pub(crate) fn certificates(pem: &str, what: &str) -> Result<Vec<Vec<u8>>> {
    let refuse = |why: &str| Error::InvalidCertificate(alloc::format!("{what}: {why}"));
    let mut blocks = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = rest.get(start..).unwrap_or_default();
        if !block.starts_with(BEGIN) {
            return Err(refuse("a PEM block that is not a CERTIFICATE"));
        }
        let body_and_rest = block.get(BEGIN.len()..).unwrap_or_default();
        let end = body_and_rest
            .find(END)
            .ok_or_else(|| refuse("a CERTIFICATE block without its END line"))?;
        let body: Vec<u8> = body_and_rest
            .get(..end)
            .unwrap_or_default()
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let der = Base64::decode_vec(core::str::from_utf8(&body).unwrap_or_default())
            .map_err(|_| refuse("a CERTIFICATE block that is not valid base64"))?;
        blocks.push(der);
        rest = body_and_rest.get(end + END.len()..).unwrap_or_default();
    }
    if blocks.is_empty() {
        return Err(refuse(
            "no PEM CERTIFICATE block (for a DER file: openssl x509 -inform DER -in cert.der -out cert.pem)",
        ));
    }
    Ok(blocks)
}
