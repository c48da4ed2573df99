//! REST answers in XML, as Magento's XML renderer writes them (for `Accept: application/xml`);
//! JSON and errors are `crate::http`'s.

use serde_json::Value;

/// The response as Magento's XML renderer writes it (Framework/Webapi/Rest/Response/Renderer/
/// Xml.php over Framework/Xml/Generator.php and PHP's `DOMDocument::saveXML`): the data under
/// `<response>`, list items as `<item>`, booleans as `true`/`false`, null as empty text,
/// two-space indentation, and non-ASCII characters as `&#xHEX;` references (the document
/// declares no encoding).
pub fn to_magento_xml(value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?>\n");
    write_element(&mut out, "response", &xml_format(value), 0);
    out.push('\n');
    out
}

/// `Renderer\Xml::_formatData`: scalars become strings, keys are made element names, and a
/// level whose keys are all digits becomes a list.
enum XmlNode {
    Text(String),
    Map(Vec<(String, XmlNode)>),
    List(Vec<XmlNode>),
}

fn xml_format(value: &Value) -> XmlNode {
    let text = |s: String| XmlNode::Text(s);
    match value {
        Value::Null => text(String::new()),
        Value::Bool(b) => text(if *b { "true" } else { "false" }.into()),
        Value::Number(n) => text(php_number_text(n)),
        Value::String(s) => text(s.clone()),
        Value::Array(items) if items.is_empty() => XmlNode::Map(Vec::new()),
        Value::Array(items) => XmlNode::List(items.iter().map(xml_format).collect()),
        Value::Object(map) => {
            let all_digits = !map.is_empty()
                && map
                    .keys()
                    .all(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
            if all_digits {
                return XmlNode::List(map.values().map(xml_format).collect());
            }
            let mut pairs: Vec<(String, XmlNode)> = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = xml_key(k);
                let node = xml_format(v);
                match pairs.iter_mut().find(|(existing, _)| *existing == key) {
                    Some(slot) => slot.1 = node,
                    None => pairs.push((key, node)),
                }
            }
            XmlNode::Map(pairs)
        }
    }
}

/// PHP's `(string)` of a number.
fn php_number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// `Renderer\Xml::_prepareKey`, then the generator's `[^\w-]` removal.
fn xml_key(key: &str) -> String {
    let mut k: String = key
        .chars()
        .filter_map(|c| match c {
            ' ' | ':' => Some('_'),
            '!' | '"' | '#' | '$' | '%' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '/' | ';'
            | '<' | '=' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}'
            | '~' => None,
            other => Some(other),
        })
        .collect();
    k = k.trim_matches('_').to_owned();
    if k.starts_with(|c: char| c.is_ascii_digit() || matches!(c, ',' | '.' | '-')) {
        k = format!("item_{k}");
    }
    k.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

fn write_element(out: &mut String, name: &str, node: &XmlNode, depth: usize) {
    let indent = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match node {
        XmlNode::Text(text) => {
            out.push_str(&format!("<{name}>"));
            xml_escape_into(out, text);
            out.push_str(&format!("</{name}>"));
        }
        XmlNode::Map(pairs) if pairs.is_empty() => out.push_str(&format!("<{name}/>")),
        XmlNode::List(items) if items.is_empty() => out.push_str(&format!("<{name}/>")),
        XmlNode::Map(_) | XmlNode::List(_) => {
            out.push_str(&format!("<{name}>\n"));
            let children: Vec<(&str, &XmlNode)> = match node {
                XmlNode::Map(pairs) => pairs.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                XmlNode::List(items) => items.iter().map(|v| ("item", v)).collect(),
                XmlNode::Text(_) => unreachable!("handled above"),
            };
            for (child, value) in children {
                indent(out, depth + 1);
                write_element(out, child, value, depth + 1);
                out.push('\n');
            }
            indent(out, depth);
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// libxml's text escaping for a document without a declared encoding.
fn xml_escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            c if !c.is_ascii() => out.push_str(&format!("&#x{:X};", u32::from(c))),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn xml_is_rendered_as_magentos_renderer_writes_it() {
        // Magento's own XmlTest cases, plus nesting, lists, booleans and escaping.
        assert_eq!(
            to_magento_xml(&json!(["value1", "value2"])),
            "<?xml version=\"1.0\"?>\n<response>\n  <item>value1</item>\n  <item>value2</item>\n</response>\n"
        );
        assert_eq!(
            to_magento_xml(&json!({"7key": "v", ".key": "v", "-key": "v", " prefix key:": "v"})),
            "<?xml version=\"1.0\"?>\n<response>\n  <item_7key>v</item_7key>\n  <item_key>v</item_key>\n  <item_-key>v</item_-key>\n  <prefix_key>v</prefix_key>\n</response>\n"
        );
        assert_eq!(
            to_magento_xml(&json!("data")),
            "<?xml version=\"1.0\"?>\n<response>data</response>\n"
        );
        assert_eq!(
            to_magento_xml(&json!(true)),
            "<?xml version=\"1.0\"?>\n<response>true</response>\n"
        );
        assert_eq!(
            to_magento_xml(
                &json!({"id": 5, "ok": false, "dob": null, "addresses": [], "name": "São <&>",
                                   "region": {"region_id": 0}, "street": ["a", "b"]})
            ),
            "<?xml version=\"1.0\"?>\n<response>\n  <id>5</id>\n  <ok>false</ok>\n  <dob></dob>\n  <addresses/>\n  <name>S&#xE3;o &lt;&amp;&gt;</name>\n  <region>\n    <region_id>0</region_id>\n  </region>\n  <street>\n    <item>a</item>\n    <item>b</item>\n  </street>\n</response>\n"
        );
    }
}
