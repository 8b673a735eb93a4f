//! The parsed JSON tree and the typed look-ups callers read it with.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Result};

/// One JSON value. Numbers keep their text: callers decide what they may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number's text, valid RFC 8259 number syntax.
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object: members in their order, no name twice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Object(pub(super) Vec<(String, Value)>);

impl Value {
    /// What the value is, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The top-level object of a JSON text, or `malformed`.
    pub(crate) fn into_object(self, what: &'static str) -> Result<Object> {
        match self {
            Value::Object(object) => Ok(object),
            other => Err(Error::Malformed(alloc::format!(
                "{what} JSON is {}, not an object",
                other.type_name()
            ))),
        }
    }
}

impl Object {
    /// The members in their order.
    pub(crate) fn members(&self) -> &[(String, Value)] {
        &self.0
    }

    /// The member named `name`, if present (`null` included).
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The member named `name`, absent → `None`, `null` → `malformed`: a
    /// `null` is never taken for absence.
    pub(crate) fn present(&self, what: &'static str, name: &str) -> Result<Option<&Value>> {
        match self.get(name) {
            Some(Value::Null) => Err(Error::Malformed(alloc::format!(
                "{what}: \"{name}\" is null"
            ))),
            other => Ok(other),
        }
    }

    /// A string member.
    pub(crate) fn string(&self, what: &'static str, name: &str) -> Result<Option<&str>> {
        match self.present(what, name)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(what, name, "a string", other)),
        }
    }

    /// An integer member (a JSON number without fraction or exponent that
    /// fits in an `i64`): NumericDate claims are integer seconds here.
    pub(crate) fn integer(&self, what: &'static str, name: &str) -> Result<Option<i64>> {
        match self.present(what, name)? {
            None => Ok(None),
            Some(Value::Number(text)) => text
                .parse::<i64>()
                .ok()
                .filter(|_| !text.contains(['.', 'e', 'E']))
                .map(Some)
                .ok_or_else(|| {
                    Error::Malformed(alloc::format!(
                        "{what}: \"{name}\" must be an integer that fits in 64 bits, found {}",
                        crate::error::quote(text)
                    ))
                }),
            Some(other) => Err(wrong_type(what, name, "an integer", other)),
        }
    }

    /// An array-of-strings member.
    pub(crate) fn strings(&self, what: &'static str, name: &str) -> Result<Option<Vec<&str>>> {
        match self.present(what, name)? {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.as_str()),
                    other => Err(wrong_type(what, name, "an array of strings", other)),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(wrong_type(what, name, "an array of strings", other)),
        }
    }
}

fn wrong_type(what: &'static str, name: &str, expected: &str, found: &Value) -> Error {
    Error::Malformed(alloc::format!(
        "{what}: \"{name}\" must be {expected}, found {}",
        found.type_name()
    ))
}
