//! Query strings as PHP reads them (`parse_str`): REST's search criteria and GraphQL's GET
//! requests both arrive this way.

use customer_core::error::{AppError, Phrase};
use serde_json::{Map, Value};

/// Percent-decoding of a query component, `+` as a space (PHP `urldecode`).
fn url_decode(raw: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// PHP's `max_input_nesting_level`: how many `[...]` levels a query key may have.
pub const MAX_NESTING: usize = 64;

/// PHP's `parse_str`: `a[b][0][c]=v&a[b][]=w` → nested objects (list indexes become keys, as
/// in PHP arrays; `[]` appends). Built without recursion, and a key nested deeper than
/// PHP's `max_input_nesting_level` (64) refuses the whole query with a 400 (PHP drops such a
/// variable silently; refusing says why), so no query string can exhaust the stack.
pub fn parse_query(query: &str) -> Result<Map<String, Value>, AppError> {
    let mut root = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = url_decode(raw_key);
        let value = Value::String(url_decode(raw_value));
        let (base, rest) = match key.find('[') {
            Some(i) if key.ends_with(']') => (&key[..i], &key[i..]),
            _ => (key.as_str(), ""),
        };
        if base.is_empty() {
            continue;
        }
        let segments: Vec<&str> = if rest.is_empty() {
            Vec::new()
        } else {
            rest[1..rest.len() - 1].split("][").collect()
        };
        if segments.len() > MAX_NESTING {
            return Err(AppError::Input(Phrase::positional(
                "The query parameter \"%1\" is nested deeper than %2 levels.",
                vec![
                    Value::String(base.chars().take(64).collect()),
                    MAX_NESTING.into(),
                ],
            )));
        }
        insert(&mut root, base, &segments, value);
    }
    Ok(root)
}

/// Walks down (creating objects as needed) and sets the value, in a loop.
fn insert(root: &mut Map<String, Value>, base: &str, segments: &[&str], value: Value) {
    let mut map = root;
    let mut key = base.to_owned();
    for next in segments {
        let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
        if !child.is_object() {
            *child = Value::Object(Map::new());
        }
        let Value::Object(child) = child else {
            unreachable!("made an object above");
        };
        key = if next.is_empty() {
            child.len().to_string()
        } else {
            (*next).to_owned()
        };
        map = child;
    }
    map.insert(key, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_keys_nest_up_to_phps_limit_and_no_further() {
        let ok = format!("a{}=v", "[x]".repeat(MAX_NESTING));
        let parsed = parse_query(&ok).unwrap();
        let mut node = &parsed["a"];
        for _ in 1..MAX_NESTING {
            node = &node["x"];
        }
        assert_eq!(node["x"], "v");
        let deep = format!("a{}=v", "[]".repeat(MAX_NESTING + 1));
        assert!(parse_query(&deep).is_err());
        let huge = format!("a{}=v", "[]".repeat(100_000));
        assert!(parse_query(&huge).is_err());
    }

    #[test]
    fn appends_and_indexes_follow_php() {
        let q = parse_query("a[]=1&a[]=2&a[k]=3&b=4").unwrap();
        assert_eq!(
            Value::Object(q),
            json!({"a": {"0": "1", "1": "2", "k": "3"}, "b": "4"})
        );
    }
}
