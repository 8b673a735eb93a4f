//! The satellite checks, sans-IO: the caller fetches `/parties?eori=...` or
//! `/trusted_list`, verifies the answer with `ishare_verifier_verify_jwt`
//! (issuer = the satellite) and hands the `ishare_jwt` here to be judged.

// `ishare_jwt` is the handle here; core items are reached as `::ishare_jwt::...`.
use core::ffi::c_char;
use std::ffi::CString;

use ::ishare_jwt::{Error, PartyInfo};

use crate::jwt::ishare_jwt;
use crate::os::resolve_now;
use crate::panic::{status_boundary, value_boundary};
use crate::status::ishare_status;
use crate::strings::{
    Out, arg_ref, arg_str, c_string, free_handle, number_field, opt_arg_str, string_field,
};

/// One participant as a satellite's `parties_token` lists it, returned by
/// `ishare_check_party` once every check passed. Opaque; read it with the
/// `ishare_party_info_*` getters.
///
/// Ownership: made by `ishare_check_party`, owned by the caller until passed
/// to `ishare_party_info_free`; independent of the JWT it was read from.
/// Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_party_info {
    party_id: CString,
    party_name: CString,
    status: CString,
    start: i64,
    end: i64,
    certificates: Vec<CString>,
}

impl ishare_party_info {
    fn new(info: PartyInfo) -> Result<ishare_party_info, Error> {
        Ok(ishare_party_info {
            party_id: c_string("party_id", info.party_id)?,
            party_name: c_string("party_name", info.party_name)?,
            status: c_string("adherence.status", info.status)?,
            start: info.start,
            end: info.end,
            certificates: info
                .certificates
                .into_iter()
                .map(|fingerprint| c_string("certificates[].x5t#S256", fingerprint))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Judges a verified `parties_token` (the answer of a satellite's
/// `/parties?eori=...`, iSHARE 2.0 or 2.1 member names): the entry of
/// `parties_info.data` whose `party_id` is `party_id` must exist (else
/// `ISHARE_STATUS_PARTY_UNKNOWN`), have `adherence.status` `Active` and
/// `start_date` <= now < `end_date` (else `ISHARE_STATUS_PARTY_NOT_ACTIVE`,
/// the detail says which), and, when `leaf_sha256` is given, list it among
/// its `certificates[].x5t#S256`, hex compared without regard to case (else
/// `ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN`). An answer that is not shaped
/// as iSHARE says is `ISHARE_STATUS_INVALID_RESPONSE`.
///
/// A token endpoint's full check: `ishare_verifier_verify` the client
/// assertion, `ishare_verifier_verify_jwt` the satellite's answer with
/// `issuer` = the satellite, then `ishare_check_party(parties_jwt,
/// ishare_assertion_client_id(a), ishare_assertion_leaf_sha256(a), now)`.
///
/// `now`: Unix seconds; a negative value means the system clock.
/// `leaf_sha256`: NULL skips the certificate check.
///
/// On success stores a new party info in `*party_out`; otherwise leaves it
/// untouched and returns the error status.
///
/// Ownership: the JWT and the strings are only read during the call. The
/// caller owns the new party info and frees it with `ishare_party_info_free`.
///
/// # Safety
///
/// `parties_jwt` is NULL or live; the strings are NULL or NUL-terminated;
/// `party_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_check_party(
    parties_jwt: *const ishare_jwt,
    party_id: *const c_char,
    leaf_sha256: *const c_char,
    now: i64,
    party_out: *mut *mut ishare_party_info,
) -> ishare_status {
    status_boundary(|| {
        let party_out = Out::new(party_out, "party_out")?;
        // SAFETY: a live JWT and NUL-terminated strings per the caller, used
        // during this call only.
        let (jwt, party_id, leaf_sha256) = unsafe {
            (
                arg_ref(parties_jwt, "parties_jwt")?,
                arg_str(party_id, "party_id")?,
                opt_arg_str(leaf_sha256, "leaf_sha256")?,
            )
        };
        let now = resolve_now(now)?;
        let info = ::ishare_jwt::check_party(&jwt.verified, party_id, leaf_sha256, now)?;
        let info = Box::into_raw(Box::new(ishare_party_info::new(info)?));
        // SAFETY: `party_out` is writable per the caller.
        unsafe { party_out.write(info) };
        Ok(())
    })
}

/// The party's id (`party_id`). NULL if `info` is NULL.
///
/// Ownership: the string belongs to the party info and stays valid until
/// `ishare_party_info_free`; do not free it.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_party_id(
    info: *const ishare_party_info,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(info, |i| &i.party_id) }
}

/// The party's name (`party_name`; empty if the satellite gives none). NULL
/// if `info` is NULL.
///
/// Ownership: as for `ishare_party_info_party_id`.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_party_name(
    info: *const ishare_party_info,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(info, |i| &i.party_name) }
}

/// The adherence status (`Active` for every party `ishare_check_party`
/// returns). NULL if `info` is NULL.
///
/// Ownership: as for `ishare_party_info_party_id`.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_status(info: *const ishare_party_info) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(info, |i| &i.status) }
}

/// The start of the party's adherence (`adherence.start_date`), Unix
/// seconds; 0 if `info` is NULL.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_start(info: *const ishare_party_info) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(info, |i| i.start) }
}

/// The end of the party's adherence (`adherence.end_date`), Unix seconds;
/// 0 if `info` is NULL.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_end(info: *const ishare_party_info) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(info, |i| i.end) }
}

/// How many certificates the satellite registers for the party; 0 if `info`
/// is NULL.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_certificates_len(
    info: *const ishare_party_info,
) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(info, |i| i.certificates.len()) }
}

/// The `x5t#S256` fingerprint (SHA-256 hex, as the satellite lists it) of
/// registered certificate `index` (0 to `ishare_party_info_certificates_len`
/// - 1). NULL if `info` is NULL or `index` is out of range.
///
/// Ownership: as for `ishare_party_info_party_id`.
///
/// # Safety
///
/// `info` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_certificate(
    info: *const ishare_party_info,
    index: usize,
) -> *const c_char {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        unsafe { info.as_ref() }
            .and_then(|i| i.certificates.get(index))
            .map_or(core::ptr::null(), |fingerprint| fingerprint.as_ptr())
    })
}

/// Frees a party info and the strings its getters returned. NULL is accepted
/// and ignored.
///
/// Ownership: takes the party info back from the caller; neither it nor any
/// string read from it may be used afterwards.
///
/// # Safety
///
/// `info` is NULL or a party info from `ishare_check_party` not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_party_info_free(info: *mut ishare_party_info) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_check_party and, per
    // the caller, not freed before.
    unsafe { free_handle(info) }
}

/// The trust anchors of a satellite's trusted list: SHA-256 fingerprints of
/// CA certificates, 64 upper-case hex digits each, in the list's order.
/// Opaque; `ishare_anchor_list_roots` and `ishare_anchor_list_len` are the
/// `trusted_roots` and `trusted_roots_len` of `ishare_verifier_new`.
///
/// Ownership: made by `ishare_trusted_list_anchors`, owned by the caller
/// until passed to `ishare_anchor_list_free`; independent of the JWT it was
/// read from. Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_anchor_list {
    fingerprints: Vec<CString>,
    /// `fingerprints[i].as_ptr()`, in order: the C array of strings.
    pointers: Vec<*const c_char>,
}

// SAFETY: `pointers` only points into `fingerprints`, owned by the same
// value and never changed after construction (moving the value moves the
// `Vec`s' handles, not their heap buffers), so sharing or sending the list
// shares or sends immutable strings.
unsafe impl Send for ishare_anchor_list {}
// SAFETY: as for `Send`: nothing is mutated after construction.
unsafe impl Sync for ishare_anchor_list {}

/// Reads the trust anchors of a verified `trusted_list_token` (the answer of
/// a satellite's `/trusted_list`, iSHARE 2.0 or 2.1 member names): every
/// entry whose `status` is `granted` and whose `validity` is `valid`, by its
/// `certificate_fingerprint`. Entries withdrawn, under supervision or invalid
/// are left out. A list with none left, or a granted fingerprint that is not
/// SHA-256 hex, is `ISHARE_STATUS_INVALID_RESPONSE`; a token without a trusted
/// list is `ISHARE_STATUS_MISSING_CLAIM`.
///
/// On success stores a new list (at least one anchor) in `*anchors_out`;
/// otherwise leaves it untouched and returns the error status. Pass it
/// straight to a verifier:
///
/// ```c
/// ishare_verifier_new(our_id, ishare_anchor_list_roots(anchors),
///                     ishare_anchor_list_len(anchors), leeway_s, &verifier);
/// ```
///
/// Ownership: the JWT is only read during the call. The caller owns the new
/// list and frees it with `ishare_anchor_list_free` (a verifier made from it
/// keeps its own copies).
///
/// # Safety
///
/// `trusted_list_jwt` is NULL or live; `anchors_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_trusted_list_anchors(
    trusted_list_jwt: *const ishare_jwt,
    anchors_out: *mut *mut ishare_anchor_list,
) -> ishare_status {
    status_boundary(|| {
        let anchors_out = Out::new(anchors_out, "anchors_out")?;
        // SAFETY: a live JWT per the caller, used during this call only.
        let jwt = unsafe { arg_ref(trusted_list_jwt, "trusted_list_jwt")? };
        let fingerprints = ::ishare_jwt::trusted_list_anchors(&jwt.verified)?
            .iter()
            .map(|anchor| c_string("a fingerprint", anchor.sha256_hex()))
            .collect::<Result<Vec<_>, _>>()?;
        let pointers = fingerprints.iter().map(|f| f.as_ptr()).collect();
        let list = Box::into_raw(Box::new(ishare_anchor_list {
            fingerprints,
            pointers,
        }));
        // SAFETY: `anchors_out` is writable per the caller.
        unsafe { anchors_out.write(list) };
        Ok(())
    })
}

/// How many anchors the list holds; 0 if `anchors` is NULL.
///
/// # Safety
///
/// `anchors` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_anchor_list_len(anchors: *const ishare_anchor_list) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(anchors, |a| a.fingerprints.len()) }
}

/// Anchor `index` (0 to `ishare_anchor_list_len` - 1): a SHA-256
/// fingerprint, 64 upper-case hex digits. NULL if `anchors` is NULL or
/// `index` is out of range.
///
/// Ownership: the string belongs to the list and stays valid until
/// `ishare_anchor_list_free`; do not free it.
///
/// # Safety
///
/// `anchors` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_anchor_list_get(
    anchors: *const ishare_anchor_list,
    index: usize,
) -> *const c_char {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        unsafe { anchors.as_ref() }
            .and_then(|a| a.fingerprints.get(index))
            .map_or(core::ptr::null(), |fingerprint| fingerprint.as_ptr())
    })
}

/// All anchors as an array of `ishare_anchor_list_len` strings: the
/// `trusted_roots` argument of `ishare_verifier_new`. NULL if `anchors` is
/// NULL.
///
/// Ownership: the array and its strings belong to the list and stay valid
/// until `ishare_anchor_list_free`; do not free or change them.
///
/// # Safety
///
/// `anchors` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_anchor_list_roots(
    anchors: *const ishare_anchor_list,
) -> *const *const c_char {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        unsafe { anchors.as_ref() }.map_or(core::ptr::null(), |a| a.pointers.as_ptr())
    })
}

/// Frees an anchor list, its array and its strings. NULL is accepted and
/// ignored.
///
/// Ownership: takes the list back from the caller; neither it nor anything
/// read from it may be used afterwards.
///
/// # Safety
///
/// `anchors` is NULL or a list from `ishare_trusted_list_anchors` not freed
/// before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_anchor_list_free(anchors: *mut ishare_anchor_list) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_trusted_list_anchors
    // and, per the caller, not freed before.
    unsafe { free_handle(anchors) }
}
