//! `RequestInput`: a POST/PUT body read the way Magento's REST request reads it
//! (Framework/Webapi/Rest/Request.php): an empty body is no input; otherwise the Content-Type
//! must be JSON in UTF-8 and the JSON must decode, each failure with Magento's message.

use crate::error::{ApiError, Phrase};
use crate::input::{to_string, top_level};
use crate::startup::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde_json::{Map, Value};

/// The decoded body: its top-level object (a scalar or list body gives no parameters, as
/// PHP's `(array)` cast of it names none of the service's parameters).
#[derive(Debug, Default)]
pub struct RequestInput(pub Map<String, Value>);

fn check_content_type(header: Option<&str>) -> Result<(), ApiError> {
    let raw = match header.map(str::trim) {
        None | Some("") => {
            return Err(ApiError::Input(Phrase::new(
                "Content-Type header is empty.",
            )));
        }
        Some(raw) => raw,
    };
    let mime: mime::Mime = raw
        .parse()
        .map_err(|_| ApiError::Input(Phrase::new("Content-Type header is invalid.")))?;
    if let Some(charset) = mime.get_param(mime::CHARSET)
        && !charset.as_str().eq_ignore_ascii_case("utf-8")
    {
        return Err(ApiError::Input(Phrase::new(
            "UTF-8 is the only supported charset.",
        )));
    }
    if mime.essence_str() != "application/json" {
        // Magento also reads text/xml; this service speaks JSON only (see openapi.yaml).
        return Err(ApiError::Input(Phrase::positional(
            "Server cannot understand Content-Type HTTP header media type %1",
            vec![Value::String(mime.essence_str().to_owned())],
        )));
    }
    Ok(())
}

impl FromRequest for RequestInput {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(1024 * 1024, |s| s.settings.max_body_bytes);
        let content_type = req.headers().get(CONTENT_TYPE).map(|v| {
            v.to_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| "\u{0}".into())
        });
        let declared_length = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_length.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| ApiError::Input(Phrase::new("Decoding error.")))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Self::default());
            }
            check_content_type(content_type.as_deref())?;
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => Ok(Self(map)),
                Ok(_) => Ok(Self::default()),
                Err(_) => Err(ApiError::Input(Phrase::new("Decoding error."))),
            }
        })
    }
}

/// Reads the required string parameters of a body; missing or empty ones are reported
/// together, as Magento's aggregate input error.
pub fn required_strings<const N: usize>(
    input: &serde_json::Map<String, Value>,
    names: [&str; N],
) -> Result<[String; N], ApiError> {
    let mut values: [String; N] = std::array::from_fn(|_| String::new());
    let mut missing = Vec::new();
    for (i, name) in names.iter().enumerate() {
        values[i] = top_level(input, name)
            .map(|v| to_string(None, v))
            .transpose()?
            .unwrap_or_default();
        if values[i].is_empty() {
            missing.push(Phrase::required(name));
        }
    }
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(ApiError::input_errors(missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(header: Option<&str>) -> String {
        match check_content_type(header).unwrap_err() {
            ApiError::Input(p) => p.render(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn content_types_are_checked_like_magento() {
        assert!(check_content_type(Some("application/json")).is_ok());
        assert!(check_content_type(Some("application/json; charset=UTF-8")).is_ok());
        assert_eq!(message(None), "Content-Type header is empty.");
        assert_eq!(message(Some("json")), "Content-Type header is invalid.");
        assert_eq!(
            message(Some("application/json; charset=latin1")),
            "UTF-8 is the only supported charset."
        );
        assert_eq!(
            message(Some("text/plain")),
            "Server cannot understand Content-Type HTTP header media type text/plain"
        );
    }
}
