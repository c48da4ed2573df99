//! Responses as Magento's REST renderer writes them: JSON encoded as PHP's `json_encode` does
//! (`/` escaped as `\/`, every non-ASCII character as a `\uXXXX` escape, UTF-16 surrogate
//! pairs above U+FFFF, so the bytes match Magento's for clients that compare or sign raw
//! bodies), and `AppError` rendered once, as Magento's status and
//! `{message, errors, parameters}` body. Every failure (handlers, extractors, unknown routes,
//! database outages) ends here, so no plain-text error escapes and internals are never sent:
//! unexpected errors are logged with their cause chain and a report id and answered with a
//! masked message.

use crate::error::{AppError, Phrase};
use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;
use serde_json::Value;
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

/// Magento's error body; keys in Magento's order, each only when it applies.
#[derive(Serialize)]
struct ErrorBody {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrorItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<Value>,
}

#[derive(Serialize)]
struct ErrorItem {
    message: String,
    parameters: Value,
}

fn error_body(e: &AppError) -> ErrorBody {
    let single = |p: &Phrase| ErrorBody {
        message: p.template.to_string(),
        errors: None,
        parameters: p.params_json(),
    };
    let plain = |m: &str| ErrorBody {
        message: m.to_owned(),
        errors: None,
        parameters: None,
    };
    match e {
        AppError::Input(p)
        | AppError::AlreadyExists(p)
        | AppError::NotFound(p)
        | AppError::Unauthorized(p)
        | AppError::Locked(p) => single(p),
        AppError::InputErrors(list) => ErrorBody {
            message: "One or more input exceptions have occurred.".into(),
            errors: Some(
                list.iter()
                    .map(|p| ErrorItem {
                        message: p.template.to_string(),
                        parameters: p.params_json().unwrap_or(Value::Array(vec![])),
                    })
                    .collect(),
            ),
            parameters: None,
        },
        AppError::NoRoute => plain("Request does not match any route."),
        // A `Webapi\Exception`: Magento sends its message rendered, without parameters.
        AppError::MethodNotSupported(method) => {
            plain(&format!("The {method} HTTP method is not supported."))
        }
        AppError::PayloadTooLarge(limit) => ErrorBody {
            message: "The request body is larger than %1 bytes.".into(),
            errors: None,
            parameters: Some(Value::Array(vec![Value::String(limit.to_string())])),
        },
        AppError::RequestTimeout => plain("The request body was not received in time."),
        // Magento's Webapi\Rest\RequestValidator::checkBackpressure wording.
        AppError::TooManyRequests { .. } => plain("Too Many Requests"),
        AppError::Unavailable(_) => {
            plain("The service is temporarily unavailable. Please try again later.")
        }
        AppError::Internal(_) => {
            let report_id = format!("webapi-{}", uuid::Uuid::new_v4().simple());
            tracing::error!("{report_id}: {}", e.cause_chain());
            plain(&format!(
                "Internal Error. Details are available in the service log. Report ID: {report_id}"
            ))
        }
    }
}

/// Magento's REST status for each kind of failure.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Input(_) | AppError::InputErrors(_) | AppError::AlreadyExists(_) => {
            StatusCode::BAD_REQUEST
        }
        AppError::MethodNotSupported(_) => StatusCode::METHOD_NOT_ALLOWED,
        AppError::NotFound(_) | AppError::NoRoute => StatusCode::NOT_FOUND,
        AppError::Unauthorized(_) | AppError::Locked(_) => StatusCode::UNAUTHORIZED,
        AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error as Magento's REST renderer writes it (also used by GraphQL's transport for the
/// failures that happen before a document is read, such as an oversized body).
pub fn error_response(e: &AppError) -> HttpResponse {
    e.error_response()
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        status_of(self)
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Unavailable(_) = self {
            tracing::warn!("{}", self.cause_chain());
        }
        let mut response = respond(self.status_code(), &error_body(self));
        if let AppError::TooManyRequests { retry_after } = self {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(*retry_after),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body_of(e: &AppError) -> Value {
        serde_json::to_value(error_body(e)).unwrap()
    }

    #[test]
    fn single_input_error_carries_its_parameters() {
        let e = AppError::input_errors(vec![Phrase::required("username")]);
        assert_eq!(
            body_of(&e),
            json!({"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"username"}})
        );
    }

    #[test]
    fn several_input_errors_are_aggregated_like_magento() {
        let e = AppError::input_errors(vec![
            Phrase::required("username"),
            Phrase::required("password"),
        ]);
        assert_eq!(
            body_of(&e),
            json!({"message":"One or more input exceptions have occurred.","errors":[
                {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"username"}},
                {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"password"}}]})
        );
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let resp = AppError::internal("secret SQL text").error_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = actix_web::body::to_bytes(resp.into_body());
        let bytes = futures_util::FutureExt::now_or_never(bytes)
            .unwrap()
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("Report ID: webapi-"), "{text}");
    }

    #[test]
    fn slashes_and_non_ascii_are_escaped_like_php() {
        let body = to_php_json(&json!({"city": "São Paulo", "url": "a/b", "emoji": "😀"}));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"city":"S\u00e3o Paulo","url":"a\/b","emoji":"\ud83d\ude00"}"#
        );
    }

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
