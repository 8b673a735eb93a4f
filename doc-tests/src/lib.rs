//! The Rust blocks of the user documents, run as doctests by `cargo test`
//! (stage `rust`): `build.rs` takes each block as `scripts/doc-blocks`
//! extracts it and puts before it, as hidden lines, its prelude
//! (`preludes/<block>.rs`): what the document says is the reader's own
//! (their key and chain, a token a request brought, a device), made from the
//! test PKI. A block that drifts from the API no longer compiles or runs.

#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/document_blocks.md"))]
pub struct DocumentBlocks;
