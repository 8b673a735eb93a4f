//! RFC 7512 PKCS#11 URIs: which module, which token, which private key, and
//! where the PIN comes from.

use std::fmt;
use std::path::PathBuf;

use ishare_jwt::{Error, Result};
use zeroize::Zeroizing;

/// A parsed PKCS#11 URI (RFC 7512) naming one private key:
/// `pkcs11:token=…;object=…;id=%01;type=private?module-path=…&pin-source=file:…`.
///
/// Path attributes (`;`-separated) select the token (`token`,
/// `manufacturer`, `model`, `serial`, `slot-id`) and the key (`object` = its
/// `CKA_LABEL`, `id` = its `CKA_ID`, `type` = `private` or absent). Query
/// attributes (`&`-separated) name the module (`module-path`) and the PIN
/// (`pin-value`, or `pin-source=file:/path`). Values are percent-decoded;
/// `id` may be any bytes, every other value is UTF-8. An attribute this
/// library does not know, a duplicate, or a malformed value is
/// `invalid_argument` naming the attribute — never echoing a PIN.
///
/// `Debug` shows where the PIN comes from, never the PIN.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token's label (`CKA_LABEL` of the token, `CK_TOKEN_INFO.label`).
    pub token: Option<String>,
    /// `manufacturer`: the token's manufacturer id.
    pub manufacturer: Option<String>,
    /// `model`: the token's model.
    pub model: Option<String>,
    /// `serial`: the token's serial number.
    pub serial: Option<String>,
    /// `slot-id`: the slot's number in the module.
    pub slot_id: Option<u64>,
    /// `object`: the key's label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id`: the key's `CKA_ID` (bytes; `%01%02` in the URI).
    pub id: Option<Vec<u8>>,
    /// `module-path`: the PKCS#11 module (a shared library) to load.
    pub module_path: Option<PathBuf>,
    pin: Option<UriPin>,
}

/// Where the URI says the PIN is.
#[derive(Clone, PartialEq, Eq)]
enum UriPin {
    /// `pin-value`: the PIN itself (wiped when dropped).
    Value(Zeroizing<String>),
    /// `pin-source=file:/path`: a file holding the PIN.
    File(PathBuf),
}

/// The scheme every PKCS#11 URI starts with.
pub const SCHEME: &str = "pkcs11:";

/// Whether `text` is a PKCS#11 URI rather than, say, a PEM file's path
/// (what the CLI's `--key` decides by).
pub fn is_pkcs11_uri(text: &str) -> bool {
    text.get(..SCHEME.len())
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case(SCHEME))
}

impl Pkcs11Uri {
    /// Parses `uri`; see [`Pkcs11Uri`] for what it accepts.
    pub fn parse(uri: &str) -> Result<Pkcs11Uri> {
        if !is_pkcs11_uri(uri) {
            return Err(invalid("a PKCS#11 URI starts with \"pkcs11:\""));
        }
        let rest = uri.get(SCHEME.len()..).unwrap_or_default();
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut parsed = Pkcs11Uri::default();
        for attribute in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = split_attribute(attribute, "path")?;
            parsed.set_path_attribute(name, value)?;
        }
        for attribute in query.split('&').filter(|a| !a.is_empty()) {
            let (name, value) = split_attribute(attribute, "query")?;
            parsed.set_query_attribute(name, value)?;
        }
        if parsed.object.is_none() && parsed.id.is_none() {
            return Err(invalid(
                "the PKCS#11 URI names no key: give object=<label> or id=<%xx bytes> (or both)",
            ));
        }
        Ok(parsed)
    }

    fn set_path_attribute(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "token" => set(&mut self.token, name, text(name, value)?),
            "manufacturer" => set(&mut self.manufacturer, name, text(name, value)?),
            "model" => set(&mut self.model, name, text(name, value)?),
            "serial" => set(&mut self.serial, name, text(name, value)?),
            "object" => set(&mut self.object, name, text(name, value)?),
            "id" => set(&mut self.id, name, percent_decode(name, value)?),
            "slot-id" => {
                let number = text(name, value)?;
                let number = number.parse::<u64>().map_err(|_| {
                    invalid(format!(
                        "PKCS#11 URI attribute slot-id must be a decimal number, not \"{number}\""
                    ))
                })?;
                set(&mut self.slot_id, name, number)
            }
            "type" => match text(name, value)?.as_str() {
                "private" => Ok(()),
                other => Err(invalid(format!(
                    "PKCS#11 URI attribute type={other}: a signer needs the private key (type=private, or no type)"
                ))),
            },
            other => Err(invalid(format!(
                "PKCS#11 URI path attribute \"{other}\" is not supported: use token, manufacturer, model, serial, slot-id, object, id, type"
            ))),
        }
    }

    fn set_query_attribute(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "module-path" => set(
                &mut self.module_path,
                name,
                PathBuf::from(text(name, value)?),
            ),
            "pin-value" => {
                // Never the value in an error: decoding errors name the attribute only.
                let pin = percent_decode("pin-value", value)
                    .ok()
                    .map(Zeroizing::new)
                    .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
                    .map(Zeroizing::new)
                    .ok_or_else(|| {
                        invalid("PKCS#11 URI attribute pin-value is not percent-encoded UTF-8")
                    })?;
                set(&mut self.pin, name, UriPin::Value(pin))
            }
            "pin-source" => {
                let source = text(name, value)?;
                let path = source
                    .strip_prefix("file://")
                    .or_else(|| source.strip_prefix("file:"))
                    .unwrap_or(&source);
                if !path.starts_with('/') {
                    return Err(invalid(format!(
                        "PKCS#11 URI attribute pin-source=\"{source}\": give a file, as file:/absolute/path"
                    )));
                }
                set(&mut self.pin, name, UriPin::File(PathBuf::from(path)))
            }
            "module-name" => Err(invalid(
                "PKCS#11 URI attribute module-name is not supported: name the module's file with module-path=/path/to/module.so",
            )),
            other => Err(invalid(format!(
                "PKCS#11 URI query attribute \"{other}\" is not supported: use module-path, pin-value, pin-source"
            ))),
        }
    }

    /// The PIN the URI gives (`pin-value`, or the first line of the
    /// `pin-source` file), if any. A file that cannot be read is `key_store`.
    pub(crate) fn pin(&self) -> Result<Option<Zeroizing<String>>> {
        match &self.pin {
            None => Ok(None),
            Some(UriPin::Value(pin)) => Ok(Some(pin.clone())),
            Some(UriPin::File(path)) => {
                let content = Zeroizing::new(std::fs::read(path).map_err(|e| {
                    Error::KeyStore(format!(
                        "the PIN file {} (pin-source) cannot be read: {e}",
                        path.display()
                    ))
                })?);
                let text = std::str::from_utf8(&content).map_err(|_| {
                    Error::KeyStore(format!(
                        "the PIN file {} (pin-source) is not UTF-8 text",
                        path.display()
                    ))
                })?;
                let line = text.lines().next().unwrap_or_default();
                Ok(Some(Zeroizing::new(line.to_owned())))
            }
        }
    }

    /// The key as an error message names it: `object "label" id 01ab`.
    pub(crate) fn describe_object(&self) -> String {
        let mut parts = Vec::new();
        if let Some(object) = &self.object {
            parts.push(format!("object \"{object}\""));
        }
        if let Some(id) = &self.id {
            parts.push(format!("id {}", hex(id)));
        }
        parts.join(" ")
    }
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pin = match &self.pin {
            None => "none".to_owned(),
            Some(UriPin::Value(_)) => "pin-value (hidden)".to_owned(),
            Some(UriPin::File(path)) => format!("file {}", path.display()),
        };
        f.debug_struct("Pkcs11Uri")
            .field("token", &self.token)
            .field("manufacturer", &self.manufacturer)
            .field("model", &self.model)
            .field("serial", &self.serial)
            .field("slot_id", &self.slot_id)
            .field("object", &self.object)
            .field("id", &self.id.as_deref().map(hex))
            .field("module_path", &self.module_path)
            .field("pin", &pin)
            .finish()
    }
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidArgument(why.into())
}

fn split_attribute<'a>(attribute: &'a str, part: &str) -> Result<(&'a str, &'a str)> {
    attribute.split_once('=').ok_or_else(|| {
        if part == "query" {
            // Not echoed: a bare query value could be a PIN.
            return invalid(
                "a PKCS#11 URI query attribute has no value: write name=value (module-path=..., pin-source=..., pin-value=...)",
            );
        }
        let name: String = attribute.chars().take(32).collect();
        invalid(format!(
            "PKCS#11 URI {part} attribute \"{name}\" has no value: write name=value"
        ))
    })
}

fn set<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<()> {
    if slot.is_some() {
        return Err(invalid(format!(
            "PKCS#11 URI attribute {name} is given twice"
        )));
    }
    *slot = Some(value);
    Ok(())
}

/// A percent-decoded UTF-8 value.
fn text(name: &str, value: &str) -> Result<String> {
    String::from_utf8(percent_decode(name, value)?).map_err(|_| {
        invalid(format!(
            "PKCS#11 URI attribute {name} is not UTF-8 once percent-decoded"
        ))
    })
}

/// RFC 3986 percent-decoding: `%` and two hex digits is one byte.
fn percent_decode(name: &str, value: &str) -> Result<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let decoded = bytes
                .get(i + 1..i + 3)
                .and_then(|pair| std::str::from_utf8(pair).ok())
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| {
                    invalid(format!(
                        "PKCS#11 URI attribute {name}: a '%' must be followed by two hex digits"
                    ))
                })?;
            out.push(decoded);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    Ok(out)
}

/// Lower-case hex, as `id` bytes are shown.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(uri: &str) -> String {
        match Pkcs11Uri::parse(uri) {
            Ok(parsed) => format!("parsed: {parsed:?}"),
            Err(e) => format!("{}: {e}", e.kind()),
        }
    }

    #[test]
    fn parses_every_attribute_and_decodes_percent_escapes() -> Result<()> {
        let uri = Pkcs11Uri::parse(
            "pkcs11:token=iSHARE%20seal;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=0123;slot-id=7;object=client%2Deori;id=%01%AB;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=12%2034",
        )?;
        assert_eq!(uri.token.as_deref(), Some("iSHARE seal"));
        assert_eq!(uri.manufacturer.as_deref(), Some("SoftHSM project"));
        assert_eq!(uri.model.as_deref(), Some("SoftHSM v2"));
        assert_eq!(uri.serial.as_deref(), Some("0123"));
        assert_eq!(uri.slot_id, Some(7));
        assert_eq!(uri.object.as_deref(), Some("client-eori"));
        assert_eq!(uri.id.as_deref(), Some(&[0x01, 0xab][..]));
        assert_eq!(
            uri.module_path.as_deref(),
            Some(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so"))
        );
        assert_eq!(uri.pin()?.as_deref().map(String::as_str), Some("12 34"));
        Ok(())
    }

    #[test]
    fn the_scheme_is_case_insensitive_and_an_id_alone_names_a_key() -> Result<()> {
        assert!(is_pkcs11_uri("PKCS11:id=%01"));
        assert!(!is_pkcs11_uri("client.key.pem"));
        assert!(!is_pkcs11_uri("pkcs1"));
        assert_eq!(Pkcs11Uri::parse("PKCS11:id=%01")?.id, Some(vec![1]));
        Ok(())
    }

    #[test]
    fn pin_source_reads_the_first_line_of_a_file() -> Result<()> {
        let path = std::env::temp_dir().join(format!("ishare-pkcs11-pin-{}", std::process::id()));
        std::fs::write(&path, "4321\n").map_err(|e| Error::KeyStore(e.to_string()))?;
        let uri = Pkcs11Uri::parse(&format!(
            "pkcs11:object=k?pin-source=file:{}",
            path.display()
        ))?;
        let pin = uri.pin();
        std::fs::remove_file(&path).ok();
        assert_eq!(pin?.as_deref().map(String::as_str), Some("4321"));
        let missing = Pkcs11Uri::parse("pkcs11:object=k?pin-source=file:///nonexistent/pin")?;
        let e = missing.pin().err().map(|e| format!("{}: {e}", e.kind()));
        assert!(
            e.as_deref()
                .is_some_and(|e| e.starts_with("key_store: the PIN file /nonexistent/pin")),
            "{e:?}"
        );
        Ok(())
    }

    #[test]
    fn a_malformed_uri_is_invalid_argument_naming_the_part() {
        let cases = [
            ("client.key.pem", "starts with \"pkcs11:\""),
            ("pkcs11:token=t", "names no key"),
            ("pkcs11:object", "path attribute \"object\" has no value"),
            ("pkcs11:object=a;object=b", "object is given twice"),
            (
                "pkcs11:object=%zz",
                "attribute object: a '%' must be followed",
            ),
            (
                "pkcs11:object=%4",
                "attribute object: a '%' must be followed",
            ),
            ("pkcs11:object=%ff", "object is not UTF-8"),
            (
                "pkcs11:object=k;slot-id=x",
                "slot-id must be a decimal number",
            ),
            (
                "pkcs11:object=k;type=cert",
                "type=cert: a signer needs the private key",
            ),
            (
                "pkcs11:object=k;library-version=1",
                "\"library-version\" is not supported",
            ),
            (
                "pkcs11:object=k?module-name=softhsm2",
                "module-name is not supported",
            ),
            ("pkcs11:object=k?pin-source=|/bin/pin", "give a file"),
            (
                "pkcs11:object=k?x-vendor=1",
                "query attribute \"x-vendor\" is not supported",
            ),
        ];
        for (uri, expected) in cases {
            let e = err(uri);
            assert!(
                e.starts_with("invalid_argument: ") && e.contains(expected),
                "{uri}: {e}"
            );
        }
    }

    #[test]
    fn the_pin_never_appears_in_an_error_or_debug() -> Result<()> {
        let e = err("pkcs11:object=k?pin-value=s3cr%zz");
        assert!(
            e.contains("pin-value is not percent-encoded") && !e.contains("s3cr"),
            "{e}"
        );
        let e = err("pkcs11:object=k?s3cr3t");
        assert!(
            e.contains("query attribute has no value") && !e.contains("s3cr3t"),
            "{e}"
        );
        let e = err("pkcs11:object=k?pin-value=s3cr3t&pin-value=s3cr3t");
        assert!(
            e.contains("pin-value is given twice") && !e.contains("s3cr3t"),
            "{e}"
        );
        let uri = Pkcs11Uri::parse("pkcs11:object=k?pin-value=s3cr3t")?;
        let debug = format!("{uri:?}");
        assert!(
            !debug.contains("s3cr3t") && debug.contains("pin-value (hidden)"),
            "{debug}"
        );
        Ok(())
    }
}
