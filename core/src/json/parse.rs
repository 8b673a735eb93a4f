//! The RFC 8259 parser: one loop over an explicit stack of open arrays and
//! objects, so hostile nesting costs heap (bounded by the depth limit), never
//! call stack.

use alloc::string::String;
use alloc::vec::Vec;

use super::value::{Object, Value};
use crate::error::{Error, Result};
use crate::limits::MAX_JSON_DEPTH;

/// Parses one JSON text. `what` names it in errors ("header", "claims",
/// "token response"). Nesting deeper than [`MAX_JSON_DEPTH`] (the outermost
/// array or object is depth 1) is `too_large`; everything else that is not
/// RFC 8259 JSON is `malformed`.
pub(crate) fn parse(what: &'static str, json: &[u8]) -> Result<Value> {
    let text = core::str::from_utf8(json)
        .map_err(|_| Error::Malformed(alloc::format!("{what} JSON is not UTF-8")))?;
    Parser { what, text, pos: 0 }.document()
}

/// An array or object whose closing bracket is still to come.
enum Open {
    Array(Vec<Value>),
    /// The members so far and the name of the one being read.
    Object(Vec<(String, Value)>, String),
}

struct Parser<'a> {
    what: &'static str,
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn document(mut self) -> Result<Value> {
        let mut open: Vec<Open> = Vec::new();
        'value: loop {
            self.skip_whitespace();
            let mut value = match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.check_depth(open.len() + 1)?;
                    self.skip_whitespace();
                    if self.eat(b'}') {
                        Value::Object(Object::default())
                    } else {
                        let name = self.member_name()?;
                        open.push(Open::Object(Vec::new(), name));
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.check_depth(open.len() + 1)?;
                    self.skip_whitespace();
                    if self.eat(b']') {
                        Value::Array(Vec::new())
                    } else {
                        open.push(Open::Array(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
                Some(_) => return Err(self.error("expected a value")),
                None => return Err(self.error("unexpected end, expected a value")),
            };
            // A complete value: add it to the innermost open container, and
            // close every container that ends right after it.
            loop {
                let Some(innermost) = open.last_mut() else {
                    self.skip_whitespace();
                    if self.pos != self.text.len() {
                        return Err(self.error("trailing data after the JSON value"));
                    }
                    return Ok(value);
                };
                self.skip_whitespace();
                match innermost {
                    Open::Array(items) => {
                        items.push(value);
                        if self.eat(b',') {
                            continue 'value;
                        }
                        if !self.eat(b']') {
                            return Err(self.error("expected ',' or ']' in an array"));
                        }
                    }
                    Open::Object(members, name) => {
                        members.push((core::mem::take(name), value));
                        if self.eat(b',') {
                            self.skip_whitespace();
                            *name = self.member_name()?;
                            continue 'value;
                        }
                        if !self.eat(b'}') {
                            return Err(self.error("expected ',' or '}' in an object"));
                        }
                    }
                }
                value = match open.pop() {
                    Some(Open::Array(items)) => Value::Array(items),
                    Some(Open::Object(members, _)) => Value::Object(self.object(members)?),
                    None => return Err(Error::Internal("JSON parser stack underflow".into())),
                };
            }
        }
    }

    fn check_depth(&self, depth: usize) -> Result<()> {
        if depth <= MAX_JSON_DEPTH {
            return Ok(());
        }
        Err(Error::TooLarge {
            what: match self.what {
                "header" => "header JSON nesting depth",
                "claims" => "claims JSON nesting depth",
                _ => "JSON nesting depth",
            },
            limit: MAX_JSON_DEPTH,
            found: depth,
        })
    }

    /// A closed object, refusing a name given twice (after unescaping:
    /// `"a"` and `"\u0061"` are the same name).
    fn object(&self, members: Vec<(String, Value)>) -> Result<Object> {
        let mut names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair.first() == pair.get(1)) {
            return Err(Error::Malformed(alloc::format!(
                "{} JSON: the member name \"{}\" appears twice in one object",
                self.what,
                crate::error::quote(pair.first().copied().unwrap_or_default())
            )));
        }
        Ok(Object(members))
    }

    /// `"name"` then `:`.
    fn member_name(&mut self) -> Result<String> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a member name in double quotes"));
        }
        let name = self.string()?;
        self.skip_whitespace();
        if !self.eat(b':') {
            return Err(self.error("expected ':' after a member name"));
        }
        Ok(name)
    }

    /// A string, the opening quote next; escapes decoded, surrogate pairs
    /// joined, lone surrogates and raw control characters refused.
    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            // Copy the run up to the next quote, backslash or control byte
            // (all ASCII, so the cut is on a character boundary).
            let run = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or_else(|| self.error("unterminated string"))?;
            out.push_str(rest.get(..run).unwrap_or_default());
            self.pos += run;
            match self.next_byte() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => out.push(self.escape()?),
                _ => {
                    self.pos -= 1;
                    return Err(self.error("raw control character in a string"));
                }
            }
        }
    }

    /// The character an escape (after its backslash) stands for.
    fn escape(&mut self) -> Result<char> {
        let c = match self.next_byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            _ => return Err(self.error("invalid escape in a string")),
        };
        Ok(c)
    }

    /// `XXXX` after `\u`, and for a high surrogate the `\uXXXX` low one
    /// that must follow (RFC 8259 §7).
    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return Err(self.error("a high surrogate escape without its low surrogate"));
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("a high surrogate escape without its low surrogate"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error("a low surrogate escape without its high surrogate"));
            }
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("\\u needs four hex digits"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("\\u needs four hex digits"))
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    fn number(&mut self) -> Result<String> {
        let start = self.pos;
        self.eat(b'-');
        match self.next_byte() {
            Some(b'0') => {}
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.eat(b'.') {
            self.one_or_more_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.one_or_more_digits()?;
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default().into())
    }

    fn one_or_more_digits(&mut self) -> Result<()> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("invalid number"));
        }
        self.digits();
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|r| r.starts_with(word))
        {
            self.pos += word.len();
            return Ok(value);
        }
        Err(self.error("expected a value"))
    }

    /// RFC 8259 whitespace: space, tab, line feed, carriage return.
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn error(&self, why: &str) -> Error {
        Error::Malformed(alloc::format!(
            "{} JSON: {why} at byte {}",
            self.what,
            self.pos
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn kind(json: &[u8]) -> &'static str {
        match parse("claims", json) {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        }
    }

    fn string_member(json: &str) -> String {
        match parse("claims", json.as_bytes()).unwrap() {
            Value::Object(o) => match o.get("a") {
                Some(Value::String(s)) => s.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn escapes_and_surrogate_pairs_decode() {
        assert_eq!(string_member(r#"{"a":"x\/y\u0041\n"}"#), "x/yA\n");
        assert_eq!(string_member(r#"{"a":"\ud83d\ude00"}"#), "😀");
        assert_eq!(string_member(r#"{"a":"😀é"}"#), "😀é");
    }

    #[test]
    fn what_is_not_json_is_malformed() {
        for bad in [
            &br#"{"a":tru}"#[..],
            br#"{"a":NaN}"#,
            br#"{"a":+1}"#,
            br#"{"a":'x'}"#,
            br#"{"kid":x"y,"a":1}"#,
            b"{\"a\":\"\x01\"}",
            br#"{"a":01}"#,
            br#"{"a":1.}"#,
            br#"{"a":1e}"#,
            br#"{"a":-}"#,
            br#"{"a":"\ud800"}"#,
            br#"{"a":"\ud800\u0041"}"#,
            br#"{"a":"\udc00"}"#,
            br#"{"a":"\x"}"#,
            br#"{"a":"\u12"}"#,
            br#"{"a":1,}"#,
            br#"{"a" 1}"#,
            br#"{a:1}"#,
            br#"[1,]"#,
            br#"{"a":1} x"#,
            br#"{"a":1}}"#,
            br#"{"a":"1","a":"2"}"#,
            br#"{"b":{"a":1,"\u0061":2}}"#,
            br#"{"a":"unterminated"#,
            b"\xef\xbb\xbf{}",
            b"{\"a\":\"\xff\"}",
            b"",
            b"   ",
        ] {
            assert_eq!(kind(bad), "malformed", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn valid_json_parses() {
        for good in [
            &br#"{}"#[..],
            br#" { "a" : [ 1 , -0.5e+3 , true , false , null , {"b":[]} ] } "#,
            br#"{"a":0,"b":-0,"c":1E2,"d":"\u0000"}"#,
            br#"[]"#,
            br#""s""#,
            br#"12"#,
        ] {
            assert_eq!(kind(good), "ok", "{}", String::from_utf8_lossy(good));
        }
    }

    #[test]
    fn depth_32_parses_and_33_is_too_large() {
        let nest = |depth: usize| {
            let mut json = "[".repeat(depth);
            json.push_str(&"]".repeat(depth));
            json
        };
        assert_eq!(kind(nest(MAX_JSON_DEPTH).as_bytes()), "ok");
        assert_eq!(kind(nest(MAX_JSON_DEPTH + 1).as_bytes()), "too_large");
        let objects = "{\"a\":".repeat(MAX_JSON_DEPTH) + "1" + &"}".repeat(MAX_JSON_DEPTH);
        assert_eq!(kind(objects.as_bytes()), "ok");
        let deeper = "{\"a\":".repeat(MAX_JSON_DEPTH + 1) + "1" + &"}".repeat(MAX_JSON_DEPTH + 1);
        assert_eq!(kind(deeper.as_bytes()), "too_large");
    }

    #[test]
    fn the_review_reproduction_is_too_large_not_a_stack_overflow() {
        let json = r#"{"kid":x"y,"a":"#.to_string() + &"[".repeat(46_000);
        assert_eq!(kind(json.as_bytes()), "malformed");
        let json = r#"{"kid":"x\"y","a":"#.to_string() + &"[".repeat(46_000);
        assert_eq!(kind(json.as_bytes()), "too_large");
    }

    #[test]
    fn many_members_are_checked_for_duplicates_quickly() {
        let members: Vec<String> = (0..20_000)
            .map(|i| alloc::format!("\"m{i}\":{i}"))
            .collect();
        let json = "{".to_string() + &members.join(",") + "}";
        assert_eq!(kind(json.as_bytes()), "ok");
        let json = "{".to_string() + &members.join(",") + ",\"m7\":0}";
        assert_eq!(kind(json.as_bytes()), "malformed");
    }
}
