//! Text from a token, shown to a person: characters that are invisible or
//! that move or rewrite what a terminal shows are escaped wherever such
//! text reaches a message or the CLI's output.

use alloc::string::String;

/// Unicode format characters (general category Cf, Unicode 15), as ranges:
/// bidirectional overrides (U+202E), zero-width characters, tags, …
const FORMAT_CHARACTERS: &[(char, char)] = &[
    ('\u{ad}', '\u{ad}'),
    ('\u{600}', '\u{605}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{6dd}', '\u{6dd}'),
    ('\u{70f}', '\u{70f}'),
    ('\u{890}', '\u{891}'),
    ('\u{8e2}', '\u{8e2}'),
    ('\u{180e}', '\u{180e}'),
    ('\u{200b}', '\u{200f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{fff9}', '\u{fffb}'),
    ('\u{110bd}', '\u{110bd}'),
    ('\u{110cd}', '\u{110cd}'),
    ('\u{13430}', '\u{1343f}'),
    ('\u{1bca0}', '\u{1bca3}'),
    ('\u{1d173}', '\u{1d17a}'),
    ('\u{e0001}', '\u{e0001}'),
    ('\u{e0020}', '\u{e007f}'),
];

/// Whether `c` must be escaped before text holding it is shown: control
/// characters (Cc: ESC, BEL, …), format characters (Cf: U+202E and the
/// other bidi controls, zero-width spaces) and the line and paragraph
/// separators (Zl U+2028, Zp U+2029).
///
/// ```
/// assert!(ishare_jwt::is_hidden_character('\u{1b}'));
/// assert!(ishare_jwt::is_hidden_character('\u{202e}'));
/// assert!(!ishare_jwt::is_hidden_character('é'));
/// ```
pub fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || FORMAT_CHARACTERS
            .iter()
            .any(|(first, last)| (*first..=*last).contains(&c))
}

/// `text` with every [`is_hidden_character`] written as `\u{…}`.
///
/// ```
/// assert_eq!(ishare_jwt::escape_for_display("a\u{202e}b\u{1b}[2J"), "a\\u{202e}b\\u{1b}[2J");
/// ```
pub fn escape_for_display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden_character(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}
