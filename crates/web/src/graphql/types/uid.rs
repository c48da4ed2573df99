//! Magento's GraphQL uids: `base64_encode((string) $id)` (PHP's base64, strict on decode).

use crate::graphql::context::{GqlResult, input_error};

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// PHP's `base64_encode`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of a base64 text, `None` when it holds anything but the alphabet and trailing
/// padding. Callers compare `base64_encode` of the result with the text for PHP's strictness.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let v = BASE64.iter().position(|&a| a == c)?;
        bits = bits << 6 | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count & 0xff) as u8);
        }
    }
    Some(out)
}

/// Magento's uids: `base64_encode((string) $id)`.
pub fn uid_of(id: i32) -> async_graphql::ID {
    async_graphql::ID(base64_encode(id.to_string().as_bytes()))
}

/// Magento's `Uid::decode` followed by PHP's `(int)` cast: a uid must be canonical base64
/// (`base64_encode(base64_decode($uid, true)) === $uid`), and its text counts as the leading
/// integer it starts with (0 when none, which matches no address).
pub fn address_id_of_uid(uid: &str) -> GqlResult<i32> {
    let decoded = base64_decode(uid)
        .filter(|bytes| base64_encode(bytes) == uid)
        .ok_or_else(|| input_error(format!("Value of uid \"{uid}\" is incorrect.")))?;
    Ok(php_int(&String::from_utf8_lossy(&decoded)))
}

/// PHP's `(int)` of a string: optional leading whitespace and sign, then digits; saturating.
fn php_int(text: &str) -> i32 {
    let text = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let value = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            (n * 10 + i64::from(d - b'0')).min(i64::from(i32::MAX) + 1)
        });
    let value = if negative { -value } else { value };
    i32::try_from(value).unwrap_or(if negative { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::{address_id_of_uid, php_int, uid_of};

    #[test]
    fn uids_are_phps_base64_of_the_id() {
        assert_eq!(uid_of(1).0, "MQ==");
        assert_eq!(uid_of(12).0, "MTI=");
        assert_eq!(uid_of(123).0, "MTIz");
        assert_eq!(uid_of(1234).0, "MTIzNA==");
    }

    #[test]
    fn uids_decode_as_magentos_uid_then_phps_int_cast() {
        assert_eq!(address_id_of_uid("MTI=").unwrap(), 12);
        // base64 of "12abc": PHP's (int) keeps the leading number.
        assert_eq!(address_id_of_uid("MTJhYmM=").unwrap(), 12);
        // base64 of "abc": no number, 0.
        assert_eq!(address_id_of_uid("YWJj").unwrap(), 0);
        // Not canonical base64 (missing padding), not base64 at all.
        assert!(address_id_of_uid("MTI").is_err());
        assert!(address_id_of_uid("@@").is_err());
        assert_eq!(php_int(" -7x"), -7);
        assert_eq!(php_int("99999999999"), i32::MAX);
    }
}
