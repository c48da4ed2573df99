//! Magento's partial responses (`?fields=`, Framework/Webapi/Rest/Response/FieldsFilter.php):
//! `id,email,addresses[city,region[region_code]]` keeps those keys of the response, applied to
//! every item when a level is a list. The parser and the filter follow Magento's step by step,
//! so malformed filters answer what Magento answers: a filter with any character outside
//! letters, digits, `_`, `[`, `]` and `,`, or with an unclosed `[`, gives `[]`.

use serde_json::{Map, Value};

/// One level of a parsed filter: a name maps to "keep it whole" or to a nested filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Whole,
    Nested(Vec<(String, Field)>),
}

/// A filter level, in the order Magento's PHP array holds its keys.
type Level = Vec<(String, Field)>;

/// PHP's `$array[$key] = $value`: an existing key keeps its place and takes the new value.
fn set(level: &mut Level, key: String, value: Field) {
    match level.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => level.push((key, value)),
    }
}

/// `FieldsFilter::parse`; `None` for a filter Magento calls invalid.
pub fn parse(filter: &str) -> Option<Level> {
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']' | ',');
    if filter.is_empty() || !filter.chars().all(valid) {
        return None;
    }
    let bytes = filter.as_bytes();
    let mut start: Option<usize> = None;
    let mut current: Level = Vec::new();
    let mut stack: Vec<Level> = Vec::new();
    // PHP's `array_pop` of an empty array gives null, which becomes the key "".
    let mut parents: Vec<Option<String>> = Vec::new();
    let mut element: Option<String> = None;
    for (position, &byte) in bytes.iter().enumerate() {
        if matches!(byte, b'[' | b']' | b',')
            && let Some(from) = start.take()
        {
            let name = filter[from..position].to_owned();
            set(&mut current, name.clone(), Field::Whole);
            element = Some(name);
        }
        match byte {
            b'[' => {
                parents.push(element.clone());
                stack.push(std::mem::take(&mut current));
            }
            b']' => {
                let nested = std::mem::replace(&mut current, stack.pop().unwrap_or_default());
                let key = parents.pop().flatten().unwrap_or_default();
                set(&mut current, key, Field::Nested(nested));
            }
            b',' => {}
            _ => {
                start.get_or_insert(position);
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    if let Some(from) = start {
        set(&mut current, filter[from..].to_owned(), Field::Whole);
    }
    Some(current)
}

/// Why a filter cannot be applied: Magento's `recursiveArrayIntersectKey` is handed a scalar
/// (a nested filter on a list of scalars), a PHP type error it answers with a 500.
#[derive(Debug)]
pub struct ScalarItem;

/// PHP arrays have no "object or list" distinction: a JSON list's keys are its indexes.
fn entries(value: &Value) -> Option<Vec<(String, &Value)>> {
    match value {
        Value::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        ),
        _ => None,
    }
}

/// A PHP array back to JSON as `json_encode` writes it: keys 0..n in order make a list.
fn to_json(pairs: Vec<(String, Value)>) -> Value {
    let sequential = pairs
        .iter()
        .enumerate()
        .all(|(i, (k, _))| *k == i.to_string());
    if sequential {
        Value::Array(pairs.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(pairs.into_iter().collect::<Map<_, _>>())
    }
}

/// `FieldsFilter::applyFilter`: a level without string keys is a collection, filtered item by
/// item (an empty one gives PHP's null).
pub fn apply(response: &Value, filter: &Level) -> Result<Value, ScalarItem> {
    let pairs = entries(response).ok_or(ScalarItem)?;
    let is_collection = pairs.iter().all(|(k, _)| k.parse::<u64>().is_ok());
    if is_collection {
        if pairs.is_empty() {
            return Ok(Value::Null);
        }
        let mut out = Vec::with_capacity(pairs.len());
        for (k, item) in pairs {
            out.push((k, intersect(item, filter)?));
        }
        Ok(to_json(out))
    } else {
        intersect(response, filter)
    }
}

/// `FieldsFilter::recursiveArrayIntersectKey`: the response's keys named in the filter, in the
/// response's order, nested filters applied to nested arrays.
fn intersect(item: &Value, filter: &Level) -> Result<Value, ScalarItem> {
    let pairs = entries(item).ok_or(ScalarItem)?;
    let mut out = Vec::new();
    for (k, v) in pairs {
        let Some((_, field)) = filter.iter().find(|(name, _)| *name == k) else {
            continue;
        };
        let kept = match (field, v) {
            (Field::Nested(inner), Value::Object(_) | Value::Array(_)) => apply(v, inner)?,
            _ => v.clone(),
        };
        out.push((k, kept));
    }
    Ok(to_json(out))
}

/// `FieldsFilter::filter` on a service result: a non-string `fields` (`fields[]=a`) or an
/// invalid filter gives `[]`.
pub fn filter(response: &Value, fields: &Value) -> Result<Value, ScalarItem> {
    let parsed = match fields {
        Value::String(text) => parse(text),
        _ => None,
    };
    match parsed {
        Some(level) => apply(response, &level),
        None => Ok(Value::Array(Vec::new())),
    }
}

/// Whether Magento filters at all: `getParam('fields')` must be truthy in PHP's sense (not
/// `""`, not `"0"`), and the result an array.
pub fn applies(response: &Value, fields: Option<&Value>) -> bool {
    let truthy = match fields {
        None => false,
        Some(Value::String(s)) => !s.is_empty() && s != "0",
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
    };
    truthy && (response.is_object() || response.is_array())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(response: Value, fields: &str) -> Value {
        filter(&response, &json!(fields)).unwrap()
    }

    #[test]
    fn the_docblock_example_parses_as_magento_documents_it() {
        let parsed =
            parse("customer[id,email],addresses[city,postcode,region[region_code,region]]");
        let whole = |n: &str| (n.to_owned(), Field::Whole);
        assert_eq!(
            parsed,
            Some(vec![
                (
                    "customer".into(),
                    Field::Nested(vec![whole("id"), whole("email")])
                ),
                (
                    "addresses".into(),
                    Field::Nested(vec![
                        whole("city"),
                        whole("postcode"),
                        (
                            "region".into(),
                            Field::Nested(vec![whole("region_code"), whole("region")])
                        ),
                    ])
                ),
            ])
        );
    }

    #[test]
    fn invalid_filters_give_an_empty_array() {
        let response = json!({"id": 1, "email": "a@b.c"});
        for bad in ["id email", "id[email", "id;email", "id.email", "id-x"] {
            assert_eq!(run(response.clone(), bad), json!([]), "{bad}");
        }
        assert_eq!(filter(&response, &json!({"0": "id"})).unwrap(), json!([]));
    }

    #[test]
    fn lists_are_filtered_item_by_item_in_response_order() {
        let response = json!({"items": [{"id": 1, "email": "a", "x": 0}, {"id": 2, "email": "b"}],
                              "total_count": 2, "search_criteria": {}});
        assert_eq!(
            run(response, "total_count,items[email,id]"),
            json!({"items": [{"id": 1, "email": "a"}, {"id": 2, "email": "b"}], "total_count": 2})
        );
    }

    #[test]
    fn no_matching_key_gives_an_empty_array_and_an_empty_list_null() {
        assert_eq!(run(json!({"id": 1}), "nothing"), json!([]));
        assert_eq!(
            run(json!({"addresses": []}), "addresses[city]"),
            json!({"addresses": null})
        );
    }

    #[test]
    fn a_nested_filter_on_scalars_is_a_type_error() {
        let response = json!({"street": ["a", "b"]});
        assert!(filter(&response, &json!("street[x]")).is_err());
        assert_eq!(run(response, "street"), json!({"street": ["a", "b"]}));
    }

    #[test]
    fn falsy_fields_do_not_filter() {
        let r = json!({"id": 1});
        assert!(!applies(&r, Some(&json!(""))));
        assert!(!applies(&r, Some(&json!("0"))));
        assert!(!applies(&json!(true), Some(&json!("id"))));
        assert!(applies(&r, Some(&json!("id"))));
    }
}
