//! Magento's web API input rules (Framework/Webapi/ServiceInputProcessor.php, TypeProcessor.php).
//!
//! * Top-level keys are service parameter names: camelCase first, then the snake_case spelling.
//! * Nested data-object keys are turned into a getter name with PHP's
//!   `str_replace('_', '', ucwords($key, '_'))` and must match it EXACTLY: `firstname` and
//!   `Firstname` are `Firstname`; `firstName` is `FirstName`, which no getter has, so it is
//!   refused with `"%fieldName" is not supported. ...`.
//! * Scalars are converted as PHP does: ints need `is_numeric`, bools use
//!   `FILTER_VALIDATE_BOOLEAN`, strings accept any scalar; arrays where a scalar is expected fail.
//! * JSON `null` counts as absent.
//! * Query strings are read as PHP's `parse_str` reads them (`a[b][]=c`).

use customer_core::error::{AppError, Phrase};
use serde_json::{Map, Value};

/// PHP `str_replace('_', '', ucwords($key, '_'))`: the getter name a nested key must match.
pub fn getter_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper_next = true;
    for c in key.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            // ucwords only upper-cases ASCII letters (it is byte-based).
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// camelCase → snake_case, as Magento's `SimpleDataObjectConverter::camelCaseToSnakeCase`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Looks up a top-level service parameter as Magento does: camelCase wins over snake_case,
/// and `null` is absent.
pub fn top_level<'a>(input: &'a Map<String, Value>, camel: &str) -> Option<&'a Value> {
    input
        .get(camel)
        .filter(|v| !v.is_null())
        .or_else(|| input.get(&snake_case(camel)).filter(|v| !v.is_null()))
}

/// `"%fieldName" is not supported. Correct the field name and try again.` (Magento 2.4.7+).
pub fn not_supported(getter: &str) -> AppError {
    AppError::Input(
        Phrase::new("\"%fieldName\" is not supported. Correct the field name and try again.")
            .with("fieldName", getter),
    )
}

/// Walks a data object's keys, skipping nulls, handing each to `set` under its getter name.
/// `set` answers `false` for a getter the interface does not have.
pub fn each_field(
    map: &Map<String, Value>,
    mut set: impl FnMut(&str, &str, &Value) -> Result<bool, AppError>,
) -> Result<(), AppError> {
    for (key, value) in map {
        let getter = getter_name(key);
        if value.is_null() {
            continue;
        }
        if !set(&getter, key, value)? {
            return Err(not_supported(&getter));
        }
    }
    Ok(())
}

/// PHP's `gettype()` for a JSON value, used in type errors.
fn php_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "double",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "array",
    }
}

/// PHP's `(string)` cast of a scalar.
fn php_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(true) => Some("1".into()),
        Value::Bool(false) => Some(String::new()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Magento type-conversion error. `key` is the nested key as sent (None at top level).
fn type_error(key: Option<&str>, shown: &str, expected: &str) -> AppError {
    let inner = format!(
        "The \"{shown}\" value's type is invalid. The \"{expected}\" type was expected. Verify and try again."
    );
    AppError::Input(Phrase::new(match key {
        Some(k) => format!("Error occurred during \"{k}\" processing. {inner}"),
        None => inner,
    }))
}

/// PHP `is_numeric`: optional surrounding whitespace, sign, digits with an optional fraction,
/// optional exponent.
fn is_numeric(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(int_part) && digits(frac_part) && !(int_part.is_empty() && frac_part.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Converts a value to `int` as Magento does (`is_numeric`, then PHP's truncating cast).
pub fn to_int(key: Option<&str>, value: &Value) -> Result<i64, AppError> {
    match value {
        Value::Number(n) => Ok(n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().map_or(0, |f| f as i64))),
        Value::String(s) if is_numeric(s) => {
            let t = s.trim();
            Ok(t.parse::<i64>()
                .unwrap_or_else(|_| t.parse::<f64>().map_or(0, |f| f as i64)))
        }
        Value::Array(_) | Value::Object(_) => Err(type_error(key, "array", "int")),
        other => Err(type_error(
            key,
            &php_string(other).unwrap_or_default(),
            "int",
        )),
    }
}

/// Converts a value to `bool` with PHP's `FILTER_VALIDATE_BOOLEAN` (anything not truthy is false).
pub fn to_bool(key: Option<&str>, value: &Value) -> Result<bool, AppError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => Ok(n.as_f64() == Some(1.0) && n.to_string() == "1"),
        Value::String(s) => Ok(matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "on" | "yes"
        )),
        Value::Array(_) | Value::Object(_) => Err(type_error(key, "array", "bool")),
        Value::Null => Ok(false),
    }
}

/// Converts a value to `string` (PHP `settype`: any scalar; arrays fail).
pub fn to_string(key: Option<&str>, value: &Value) -> Result<String, AppError> {
    php_string(value).ok_or_else(|| type_error(key, php_type(value), "string"))
}

/// Converts a value to `string[]`.
pub fn to_string_list(key: Option<&str>, value: &Value) -> Result<Vec<String>, AppError> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| {
                // `settype` on an array element: nulls become "", nested arrays fail.
                if v.is_null() {
                    Ok(String::new())
                } else {
                    php_string(v).ok_or_else(|| type_error(key, php_type(v), "string[]"))
                }
            })
            .collect(),
        Value::Object(map) => map
            .values()
            .map(|v| php_string(v).ok_or_else(|| type_error(key, php_type(v), "string[]")))
            .collect(),
        other => Err(type_error(key, php_type(other), "string[]")),
    }
}

/// The members of a JSON object or list given for an array-of-objects field. Anything else
/// is no value at all, as if the field were absent: Magento's `ServiceInputProcessor::convertValue`
/// turns a non-array given for an array of data objects into `null`, without an error.
pub fn to_list(value: &Value) -> Option<Vec<&Value>> {
    match value {
        Value::Array(items) => Some(items.iter().collect()),
        // PHP arrays with string keys are still arrays: `{"0": {...}}` is accepted.
        Value::Object(map) => Some(map.values().collect()),
        _ => None,
    }
}

/// A nested data object; scalars where an object is expected fail with Magento's type error.
pub fn to_object<'a>(
    key: &str,
    value: &'a Value,
    type_name: &str,
) -> Result<&'a Map<String, Value>, AppError> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Array(items) if items.is_empty() => {
            static EMPTY: std::sync::LazyLock<Map<String, Value>> =
                std::sync::LazyLock::new(Map::new);
            Ok(&EMPTY)
        }
        other => Err(type_error(
            Some(key),
            &php_string(other).unwrap_or_else(|| php_type(other).to_owned()),
            type_name,
        )),
    }
}

/// Magento's `ValidateCustomerData` REST plugin: inside `customer`, keys that differ only by
/// letter case are de-duplicated, first occurrence wins, recursively.
pub fn dedupe_case_insensitive_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut seen = std::collections::HashSet::new();
            let mut out = Map::new();
            for (k, v) in map {
                if seen.insert(k.to_lowercase()) {
                    out.insert(k.clone(), dedupe_case_insensitive_keys(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(dedupe_case_insensitive_keys).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn getter_names_follow_phps_ucwords() {
        assert_eq!(getter_name("firstname"), "Firstname");
        assert_eq!(getter_name("firstName"), "FirstName");
        assert_eq!(getter_name("group_id"), "GroupId");
        assert_eq!(getter_name("groupId"), "GroupId");
        assert_eq!(getter_name("default_billing"), "DefaultBilling");
        assert_eq!(getter_name("city."), "City.");
    }

    #[test]
    fn snake_case_matches_magento() {
        assert_eq!(snake_case("redirectUrl"), "redirect_url");
        assert_eq!(snake_case("customer"), "customer");
    }

    #[test]
    fn top_level_prefers_camel_case_and_ignores_null() {
        let input = json!({"redirect_url": "b", "redirectUrl": "a"});
        assert_eq!(
            top_level(input.as_object().unwrap(), "redirectUrl"),
            Some(&json!("a"))
        );
        let input = json!({"redirectUrl": null, "redirect_url": "b"});
        assert_eq!(
            top_level(input.as_object().unwrap(), "redirectUrl"),
            Some(&json!("b"))
        );
    }

    #[test]
    fn ints_need_numeric_values() {
        assert_eq!(to_int(None, &json!("12")).unwrap(), 12);
        assert_eq!(to_int(None, &json!(" 7.9")).unwrap(), 7);
        assert_eq!(to_int(None, &json!(3)).unwrap(), 3);
        let err = to_int(Some("group_id"), &json!("abc")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "input error: Error occurred during \"group_id\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again."
        );
        assert!(to_int(None, &json!(true)).is_err());
        assert!(to_int(None, &json!("1e3")).is_ok());
        assert!(to_int(None, &json!("")).is_err());
        assert!(to_int(None, &json!(".")).is_err());
    }

    #[test]
    fn bools_follow_filter_validate_boolean() {
        for truthy in [json!(true), json!("1"), json!("yes"), json!("On"), json!(1)] {
            assert!(to_bool(None, &truthy).unwrap(), "{truthy}");
        }
        for falsy in [
            json!(false),
            json!("0"),
            json!("no"),
            json!("x"),
            json!(0),
            json!(2),
        ] {
            assert!(!to_bool(None, &falsy).unwrap(), "{falsy}");
        }
    }

    #[test]
    fn strings_accept_scalars_only() {
        assert_eq!(to_string(None, &json!(5)).unwrap(), "5");
        assert_eq!(to_string(None, &json!(true)).unwrap(), "1");
        assert!(to_string(None, &json!(["a"])).is_err());
        assert_eq!(
            to_string_list(None, &json!(["a", 1])).unwrap(),
            vec!["a", "1"]
        );
        assert!(to_string_list(Some("street"), &json!("a")).is_err());
    }

    #[test]
    fn case_duplicates_keep_the_first_key() {
        let v =
            json!({"firstname": "a", "Firstname": "b", "addresses": [{"city": "x", "CITY": "y"}]});
        assert_eq!(
            dedupe_case_insensitive_keys(&v),
            json!({"firstname": "a", "addresses": [{"city": "x"}]})
        );
    }
}
