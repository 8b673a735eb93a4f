//! The error model's contract (DESIGN.md "Error model"): every kind has one
//! stable code, `KINDS` lists them in code order, `kind_of_code` inverts
//! `code`, and every message names the values it is about — each binding
//! maps these 1:1, so a gap here is a gap everywhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use ishare_jwt::Error;

/// One error of every kind, each with values its message must show.
fn one_of_each() -> Vec<(Error, &'static [&'static str])> {
    let text = |s: &str| s.to_string();
    vec![
        (
            Error::Malformed(text("header is not JSON")),
            &["header is not JSON"],
        ),
        (
            Error::UnsupportedAlgorithm(text("HS256")),
            &["\"HS256\"", "RS256"],
        ),
        (
            Error::InvalidHeader(text("typ is missing")),
            &["typ is missing"],
        ),
        (Error::MissingCertificate, &["x5c"]),
        (
            Error::WeakKey {
                which: text("x5c[1]"),
                bits: 1024,
            },
            &["x5c[1]", "1024", "2048"],
        ),
        (Error::Signature, &["leaf"]),
        (Error::UntrustedChain(text("no anchor")), &["no anchor"]),
        (
            Error::CertificateExpired {
                position: 2,
                not_before: 11,
                not_after: 22,
                now: 33,
            },
            &["x5c[2]", "33", "11", "22"],
        ),
        (Error::MissingClaim("jti"), &["\"jti\""]),
        (
            Error::Audience {
                expected: text("EU.EORI.NL1"),
                found: text("2 values"),
            },
            &["EU.EORI.NL1", "2 values"],
        ),
        (
            Error::InvalidPartyId {
                value: text("EU.X"),
                reason: "too short",
            },
            &["EU.X", "too short"],
        ),
        (
            Error::IssuerSubjectMismatch {
                iss: text("EU.A"),
                sub: text("EU.B"),
            },
            &["EU.A", "EU.B"],
        ),
        (
            Error::ClientIdMismatch {
                iss: text("EU.A"),
                client_id: text("EU.C"),
            },
            &["EU.A", "EU.C"],
        ),
        (
            Error::PartyIdMismatch {
                party: text("EU.A"),
                certificate: text("serialNumber []"),
            },
            &["EU.A", "serialNumber []"],
        ),
        (
            Error::InvalidLifetime {
                expected: 30,
                found: 31,
            },
            &["31 s", "30 s"],
        ),
        (
            Error::Expired {
                exp: 100,
                now: 200,
                leeway: 5,
            },
            &["100", "200", "5 s"],
        ),
        (
            Error::NotYetValid {
                claim: "nbf",
                value: 300,
                now: 200,
                leeway: 7,
            },
            &["nbf 300", "200", "7 s"],
        ),
        (
            Error::Replay {
                iss: text("EU.A"),
                jti: text("j-1"),
            },
            &["EU.A", "j-1"],
        ),
        (
            Error::ReplayCacheFull {
                capacity: 10,
                issuer: None,
            },
            &["10 unexpired"],
        ),
        (Error::InvalidKey(text("not a PEM key")), &["not a PEM key"]),
        (
            Error::InvalidCertificate(text("x5c[0] is not DER")),
            &["x5c[0] is not DER"],
        ),
        (Error::KeyMismatch, &["private key"]),
        (Error::InvalidTrustAnchor(text("not hex")), &["not hex"]),
        (
            Error::TooLarge {
                what: "token",
                limit: 65536,
                found: 70000,
            },
            &["token", "65536", "70000"],
        ),
        (Error::BufferTooSmall { needed: 4096 }, &["4096"]),
        (Error::InvalidArgument(text("leeway 301")), &["leeway 301"]),
        (
            Error::InvalidResponse(text("no access_token")),
            &["token response", "no access_token"],
        ),
        (Error::Internal(text("boom")), &["internal", "boom"]),
        (
            Error::IssuerMismatch {
                expected: text("EU.S"),
                found: text("EU.T"),
            },
            &["EU.S", "EU.T"],
        ),
        (Error::PartyUnknown(text("not listed")), &["not listed"]),
        (Error::PartyNotActive(text("Revoked")), &["Revoked"]),
        (
            Error::PartyCertificateUnknown(text("no such x5t")),
            &["no such x5t"],
        ),
        (
            Error::TokenEndpoint {
                status: 400,
                error: Some(text("invalid_client")),
                error_description: Some(text("bad")),
            },
            &["400 invalid_client: bad"],
        ),
        (
            Error::Network(text("connection refused")),
            &["connection refused"],
        ),
        (
            Error::CertificateUsage(text("x5c[1] may not issue")),
            &["x5c[1] may not issue"],
        ),
        (Error::ReplayStore(text("redis down")), &["redis down"]),
        (Error::KeyStore(text("HSM gone")), &["HSM gone"]),
    ]
}

#[test]
fn every_kind_has_one_stable_code_listed_in_order() {
    let errors = one_of_each();
    assert_eq!(
        errors.len(),
        Error::KINDS.len(),
        "an error kind is missing here"
    );
    for ((error, _), (code, kind)) in errors.iter().zip(Error::KINDS) {
        assert_eq!((error.code(), error.kind()), (*code, *kind));
        assert_eq!(Error::kind_of_code(*code), Some(*kind));
    }
    let codes: Vec<u32> = Error::KINDS.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        codes,
        (1..=codes.len() as u32).collect::<Vec<_>>(),
        "codes are 1, 2, … without gaps"
    );
    assert_eq!(Error::kind_of_code(0), None);
    assert_eq!(Error::kind_of_code(codes.len() as u32 + 1), None);
}

#[test]
fn every_message_names_what_it_is_about() {
    for (error, shown) in one_of_each() {
        let message = error.to_string();
        for value in shown {
            assert!(
                message.contains(value),
                "{}: {message:?} lacks {value:?}",
                error.kind()
            );
        }
    }
    let share = Error::ReplayCacheFull {
        capacity: 3,
        issuer: Some("EU.EORI.NL1".into()),
    };
    assert!(
        share
            .to_string()
            .contains("\"EU.EORI.NL1\" holds its whole share (3")
    );
    let bare = Error::TokenEndpoint {
        status: 502,
        error: None,
        error_description: None,
    };
    assert_eq!(bare.to_string(), "502");
}

#[test]
fn a_caught_panic_becomes_an_internal_error_with_its_message() {
    let from =
        |payload: Box<dyn std::any::Any + Send>| Error::from_panic(payload.as_ref()).to_string();
    assert!(from(Box::new("static text")).ends_with("static text"));
    assert!(from(Box::new(String::from("owned text"))).ends_with("owned text"));
    assert!(from(Box::new(42_u8)).ends_with("(no message)"));
    assert_eq!(Error::from_panic(&"x").kind(), "internal");
}
