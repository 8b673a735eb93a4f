//! Writing a parsed [`Value`] back as compact JSON: the same value, so a
//! payload round-trips exactly (numbers keep their text, strings are
//! escaped only where JSON demands it, everything else is UTF-8 as is).

use alloc::string::String;

use super::value::{Object, Value};

/// Appends `value` to `out`. The recursion is bounded by the depth limit
/// every parsed value has already met.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            write_members(out, object);
            out.push('}');
        }
    }
}

/// The members of `object`, comma-separated, without braces.
pub(crate) fn write_members(out: &mut String, object: &Object) {
    for (index, (name, value)) in object.members().iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, value);
    }
}

/// A JSON string: `"` and `\` escaped, control characters as `\uXXXX`.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&alloc::format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
