//! JSON as Magento writes it: PHP's `json_encode` with default flags (`/` escaped as `\/`,
//! every non-ASCII character as a `\uXXXX` escape, UTF-16 surrogate pairs above U+FFFF), so the
//! bytes match Magento's for clients that compare or sign raw bodies. REST and GraphQL answer
//! through it.

use actix_web::{HttpResponse, http::StatusCode};
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use std::io;

/// serde_json formatter that escapes like PHP's `json_encode` with default flags.
struct PhpFormatter;

impl Formatter for PhpFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Most fragments (every key, most values) need nothing escaped: one byte scan, one
        // write.
        let Some(first) = fragment.bytes().position(|b| b == b'/' || !b.is_ascii()) else {
            return writer.write_all(fragment.as_bytes());
        };
        let mut start = 0;
        for (i, c) in fragment[first..].char_indices() {
            let i = i + first;
            if c == '/' || !c.is_ascii() {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                if c == '/' {
                    writer.write_all(b"\\/")?;
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Everything else (control characters, quotes, numbers) is written as serde_json's compact
    // formatter writes it, which already matches PHP.
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        CompactFormatter.write_char_escape(writer, char_escape)
    }
}

/// Encodes a value the way Magento's REST renderer does.
pub fn to_php_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PhpFormatter);
    // Serializing our own types into memory cannot fail: they hold no maps with non-string keys.
    value
        .serialize(&mut ser)
        .expect("response types serialize infallibly");
    out
}

/// A Magento REST response: the status and the PHP-encoded JSON body.
pub fn respond<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(to_php_json(value))
}

/// A 200 response, which is what Magento answers for every successful call.
pub fn ok<T: Serialize + ?Sized>(value: &T) -> HttpResponse {
    respond(StatusCode::OK, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn slashes_and_non_ascii_are_escaped_like_php() {
        let body = to_php_json(&json!({"city": "São Paulo", "url": "a/b", "emoji": "😀"}));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"city":"S\u00e3o Paulo","url":"a\/b","emoji":"\ud83d\ude00"}"#
        );
    }

    #[test]
    fn control_characters_use_short_escapes() {
        let body = to_php_json(&json!("a\nb\"c\\"));
        assert_eq!(String::from_utf8(body).unwrap(), r#""a\nb\"c\\""#);
    }

    #[test]
    fn encoded_text_parses_back_to_the_same_value() {
        let value = json!({"k": "Ērgļu novads / A Coruña 😀"});
        let parsed: serde_json::Value = serde_json::from_slice(&to_php_json(&value)).unwrap();
        assert_eq!(parsed, value);
    }
}
