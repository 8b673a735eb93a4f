//! JSON as RFC 8259 defines it, read strictly and without recursion, and
//! written compactly.
//!
//! Every JSON text the library receives (a token's header and claims, a
//! token endpoint's answer) is read by [`parse`] alone: an iterative parser
//! whose depth is bounded by [`crate::limits::MAX_JSON_DEPTH`], which
//! refuses anything that is not JSON (`tru`, `NaN`, `+1`, `'x'`, raw control
//! characters in strings), a member name twice in one object at any depth,
//! and lone surrogate escapes, and which joins escaped surrogate pairs. What
//! it returns is a [`Value`] tree the callers read through [`Object`]'s
//! typed look-ups, where `null` is never the same as absent; [`write_members`]
//! writes parsed values back unchanged (a signed payload's extra claims).

mod encode;
mod parse;
mod value;
mod write;

pub(crate) use encode::encode;
pub(crate) use parse::parse;
pub(crate) use value::{Object, Value};
pub(crate) use write::{write_members, write_string, write_value};
