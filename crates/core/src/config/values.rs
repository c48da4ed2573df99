//! How each setting's text is read (the value parsers `Settings` declares) and how a URL that
//! may carry a password is shown.

use clap::builder::TypedValueParser;
use std::ffi::OsStr;
use std::time::Duration;

/// One `TRUSTED_PROXIES` entry: an address (`10.0.0.5`) or a range (`10.0.0.0/8`).
pub(super) fn parse_proxy(raw: &str) -> Result<ipnet::IpNet, String> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{raw:?} is not an IP address or CIDR range"))
}

/// One `CORS_ALLOWED_ORIGINS` entry: `scheme://host[:port]`, without a path.
pub(super) fn parse_origin(raw: &str) -> Result<String, String> {
    let origin = raw.trim();
    if (origin.starts_with("http://") || origin.starts_with("https://")) && !origin.ends_with('/') {
        Ok(origin.to_owned())
    } else {
        Err("each origin must be scheme://host[:port], without a path".into())
    }
}

pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Whole seconds from `min` to `max`, as a `Duration`.
pub(super) fn seconds(min: u64, max: u64) -> impl TypedValueParser<Value = Duration> {
    clap::value_parser!(u64)
        .range(min..=max)
        .map(Duration::from_secs)
}

/// A yes/no setting: 1/0, true/false, yes/no, on/off.
pub(super) fn yes_no(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("expected 1/0, true/false, yes/no or on/off".into()),
    }
}

pub(super) fn parse_smtp_url(v: &str) -> Result<String, String> {
    if v.starts_with("smtp://") || v.starts_with("smtps://") {
        Ok(v.to_owned())
    } else {
        Err("must start with smtp:// or smtps://".into())
    }
}

pub(super) fn parse_http_url(v: &str) -> Result<String, String> {
    if v.starts_with("http://") || v.starts_with("https://") {
        Ok(v.to_owned())
    } else {
        Err("must be an http:// or https:// URL".into())
    }
}

/// A value parser for settings that may carry a password: its error never repeats the value
/// unredacted (clap's own errors quote the value as given).
#[derive(Clone)]
pub(super) struct Secret<T>(pub(super) fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Secret<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        (self.0)(text.trim()).map_err(|reason| {
            let var = arg
                .and_then(|a| a.get_env())
                .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid {var}={}: {reason}\n", redact_url(&text)),
            )
            .with_cmd(cmd)
        })
    }
}

/// A database URL with any password replaced, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, _password)) = userinfo.split_once(':')
    {
        return redact_query(&format!("{scheme}://{user}:***@{host}"));
    }
    redact_query(url)
}

/// libpq also takes the password as a `password=` query parameter.
pub(super) fn redact_query(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}
