//! Outgoing mail: welcome, confirmation, password-reset and password-changed messages, from
//! templates (`resources/mail/`, compiled in, each replaceable by a file of the same name in
//! `MAIL_TEMPLATES_DIR`) with a text and an HTML part. Sent over SMTP when `SMTP_URL` is set,
//! otherwise written by lettre's file transport as `.eml` files into `MAIL_DIR` (folder 0700,
//! files 0600: they hold reset links). Sending never fails a request: the caller learns
//! `true`/`false` (Magento returns `false` where its contract says so) and the cause goes to
//! the log, without the message body.

use crate::config::{MailCheck, Settings, redact_url};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, Message, MultiPart, SinglePart};
use lettre::{FileTransport, SmtpTransport, Transport};
use minijinja::Environment;
use std::path::{Path, PathBuf};
use std::sync::Arc;

enum Delivery {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    delivery: Arc<Delivery>,
    from: Mailbox,
    templates: Arc<Templates>,
}

/// A message to one recipient: which template, with which variables.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to_email: String,
    pub to_name: String,
    pub template: &'static str,
    pub vars: minijinja::Value,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("invalid MAIL_FROM {0:?}: {1}")]
    From(String, String),
    #[error("invalid SMTP_URL {0}: {1}")]
    Smtp(String, String),
    #[error("mail template {0}: {1}")]
    Template(String, String),
    #[error("the mail transport does not work ({0}) and MAIL_CHECK=refuse")]
    Unusable(String),
}

/// The built-in templates: `(name, subject, text, html)`.
const BUILT_IN: &[(&str, &str, &str, &str)] = &[
    (
        "welcome",
        include_str!("../resources/mail/welcome.subject"),
        include_str!("../resources/mail/welcome.txt"),
        include_str!("../resources/mail/welcome.html"),
    ),
    (
        "confirmation",
        include_str!("../resources/mail/confirmation.subject"),
        include_str!("../resources/mail/confirmation.txt"),
        include_str!("../resources/mail/confirmation.html"),
    ),
    (
        "reset",
        include_str!("../resources/mail/reset.subject"),
        include_str!("../resources/mail/reset.txt"),
        include_str!("../resources/mail/reset.html"),
    ),
    (
        "password_changed",
        include_str!("../resources/mail/password_changed.subject"),
        include_str!("../resources/mail/password_changed.txt"),
        include_str!("../resources/mail/password_changed.html"),
    ),
];

const PARTS: [&str; 3] = ["subject", "txt", "html"];

/// The template set: built in, each file replaceable from a folder.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads the built-in templates, then the files of `dir` that replace them; every
    /// template is compiled now, so a broken override stops startup rather than a mail.
    pub fn load(dir: Option<&Path>) -> Result<Self, MailSetupError> {
        let mut env = Environment::new();
        // `.html` templates escape their variables; the others are plain text.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        // minijinja's HTML escape also writes `/` as `&#x2f;`, which leaves links unreadable in
        // the raw message; `& < > " '` are all that HTML text and quoted attributes need.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text)
                if *state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() =>
            {
                let escaped = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;");
                out.write_str(&escaped).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        for (name, subject, text, html) in BUILT_IN {
            for (part, built_in) in PARTS.iter().zip([subject, text, html]) {
                let file = format!("{name}.{part}");
                let source = match dir.map(|d| d.join(&file)).filter(|p| p.is_file()) {
                    Some(path) => std::fs::read_to_string(&path).map_err(|e| {
                        MailSetupError::Template(path.display().to_string(), e.to_string())
                    })?,
                    None => (*built_in).to_owned(),
                };
                env.add_template_owned(file.clone(), source)
                    .map_err(|e| MailSetupError::Template(file, e.to_string()))?;
            }
        }
        Ok(Self { env })
    }

    pub fn render(&self, mail: &Mail) -> Result<Rendered, String> {
        let part = |p: &str| {
            self.env
                .get_template(&format!("{}.{p}", mail.template))
                .and_then(|t| t.render(&mail.vars))
                .map_err(|e| format!("template {}.{p}: {e}", mail.template))
        };
        Ok(Rendered {
            subject: part("subject")?.trim().to_owned(),
            text: part("txt")?,
            html: part("html")?,
        })
    }
}

/// A body sent as written, 7bit (or 8bit for non-ASCII text), so links stay whole and
/// clickable in the raw message. lettre's own choice switches to quoted-printable past 76
/// characters a line, which breaks every reset link; RFC 5322 allows 998, checked here.
fn plain_body(text: String) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = crlf
        .split("\r\n")
        .all(|line| line.len() <= 998 && !line.contains(['\r', '\0']));
    if !fits {
        return Body::new(text);
    }
    let encoding = if crlf.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
}

/// Creates the mail folder readable by the service's user only.
fn owner_only_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, MailSetupError> {
        let from: Mailbox =
            settings
                .mail_from
                .parse()
                .map_err(|e: lettre::address::AddressError| {
                    MailSetupError::From(settings.mail_from.clone(), e.to_string())
                })?;
        let delivery = match &settings.smtp_url {
            Some(url) => Delivery::Smtp(Box::new(
                SmtpTransport::from_url(url)
                    .map_err(|e| MailSetupError::Smtp(redact_url(url), e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(10)))
                    .build(),
            )),
            None => Delivery::Files(settings.mail_dir.clone()),
        };
        Ok(Self {
            delivery: Arc::new(delivery),
            from,
            templates: Arc::new(Templates::load(settings.mail_templates_dir.as_deref())?),
        })
    }

    /// Checks at startup that mail can go out (the SMTP server answers, or the mail folder
    /// can be created): a warning, or with `MAIL_CHECK=refuse` an error that stops startup.
    pub async fn check(&self, settings: &Settings) -> Result<(), MailSetupError> {
        let delivery = self.delivery.clone();
        let problem = tokio::task::spawn_blocking(move || match delivery.as_ref() {
            Delivery::Smtp(transport) => match transport.test_connection() {
                Ok(true) => None,
                Ok(false) => Some("the SMTP server did not accept a connection".to_owned()),
                Err(e) => Some(format!("the SMTP server cannot be reached: {e}")),
            },
            Delivery::Files(dir) => owner_only_dir(dir)
                .err()
                .map(|e| format!("the mail folder {}: {e}", dir.display())),
        })
        .await
        .unwrap_or_else(|e| Some(e.to_string()));
        match (
            problem.map(|p| crate::telemetry::one_line(&p)),
            settings.mail_check,
        ) {
            (None, _) => Ok(()),
            (Some(p), MailCheck::Warn) => {
                tracing::warn!("mail will not be delivered: {p}");
                Ok(())
            }
            (Some(p), MailCheck::Refuse) => Err(MailSetupError::Unusable(p)),
        }
    }

    /// Sends off the async workers; `true` when the message was handed over.
    pub async fn send(&self, mail: Mail) -> bool {
        let this = self.clone();
        let template = mail.template;
        let outcome = tokio::task::spawn_blocking(move || this.send_blocking(mail))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        if let Err(e) = &outcome {
            tracing::warn!(
                "mail {template:?} not sent: {}",
                crate::telemetry::one_line(e)
            );
        }
        outcome.is_ok()
    }

    fn send_blocking(&self, mail: Mail) -> Result<(), String> {
        let rendered = self.templates.render(&mail)?;
        let to = Mailbox::new(
            Some(mail.to_name.clone()).filter(|n| !n.trim().is_empty()),
            mail.to_email
                .parse()
                .map_err(|e| format!("recipient: {e}"))?,
        );
        let part = |content_type, text| {
            SinglePart::builder()
                .header(content_type)
                .body(plain_body(text))
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&rendered.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, rendered.text))
                    .singlepart(part(ContentType::TEXT_HTML, rendered.html)),
            )
            .map_err(|e| e.to_string())?;
        match self.delivery.as_ref() {
            Delivery::Smtp(transport) => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Delivery::Files(dir) => {
                use std::os::unix::fs::PermissionsExt;
                owner_only_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let id = FileTransport::new(dir)
                    .send(&message)
                    .map_err(|e| e.to_string())?;
                let path = dir.join(format!("{id}.eml"));
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                tracing::info!("mail {:?} written to {}", mail.template, path.display());
                Ok(())
            }
        }
    }
}

/// Percent-encodes a query value.
fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn with_slash(base: &str) -> String {
    if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    }
}

/// The message texts and their storefront links (Magento's storefront URLs, so a Magento
/// theme's pages for them keep working).
pub mod templates {
    use super::*;

    pub struct Recipient<'a> {
        pub customer_id: i32,
        pub email: &'a str,
        pub name: String,
        pub store_name: &'a str,
    }

    impl Recipient<'_> {
        fn mail(&self, template: &'static str, vars: minijinja::Value) -> Mail {
            let who = minijinja::context! {
                name => &self.name,
                email => self.email,
                store_name => self.store_name,
            };
            Mail {
                to_email: self.email.to_owned(),
                to_name: self.name.clone(),
                template,
                vars: minijinja::context! { ..vars, ..who },
            }
        }
    }

    /// Welcome mail for an account that can sign in at once.
    pub fn welcome(to: &Recipient, storefront: &str, redirect_url: Option<&str>) -> Mail {
        let link = redirect_url
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}customer/account/", with_slash(storefront)));
        to.mail("welcome", minijinja::context! { link })
    }

    /// Mail with the confirmation link for an account that must confirm first.
    pub fn confirmation(
        to: &Recipient,
        key: &str,
        storefront: &str,
        redirect_url: Option<&str>,
    ) -> Mail {
        let mut link = format!(
            "{}customer/account/confirm/?id={}&key={}",
            with_slash(storefront),
            to.customer_id,
            query_value(key)
        );
        if let Some(back) = redirect_url.filter(|u| !u.is_empty()) {
            link.push_str(&format!("&back_url={}", query_value(back)));
        }
        to.mail("confirmation", minijinja::context! { link, key })
    }

    /// Password reset (Magento templates `email_reset` and `email_reminder` both carry the link).
    pub fn reset(to: &Recipient, token: &str, storefront: &str, valid_hours: i64) -> Mail {
        let link = format!(
            "{}customer/account/createPassword/?id={}&token={}",
            with_slash(storefront),
            to.customer_id,
            query_value(token)
        );
        to.mail("reset", minijinja::context! { link, valid_hours })
    }

    /// Notice that the password was changed (Magento's `change_email` notification family).
    pub fn password_changed(to: &Recipient) -> Mail {
        to.mail("password_changed", minijinja::context! {})
    }
}

#[cfg(test)]
mod tests {
    use super::Templates;
    use super::templates::*;

    fn jane() -> Recipient<'static> {
        Recipient {
            customer_id: 7,
            email: "jdoe@example.com",
            name: "Jane <Doe>".into(),
            store_name: "Default Store View",
        }
    }

    fn text(mail: &super::Mail) -> super::Rendered {
        Templates::load(None).unwrap().render(mail).unwrap()
    }

    #[test]
    fn links_are_built_from_the_storefront_url_or_the_redirect_url() {
        let m = text(&welcome(&jane(), "https://shop.example.com", None));
        assert!(
            m.text
                .contains("https://shop.example.com/customer/account/")
        );
        assert_eq!(m.subject, "Welcome to Default Store View");
        let m = text(&welcome(
            &jane(),
            "https://shop.example.com/",
            Some("https://pwa.example.com/me"),
        ));
        assert!(m.text.contains("https://pwa.example.com/me"));
        let m = text(&confirmation(
            &jane(),
            "abc123",
            "https://shop.example.com/",
            Some("https://x.test/a?b=1"),
        ));
        let link = "https://shop.example.com/customer/account/confirm/?id=7&key=abc123&back_url=https%3A%2F%2Fx.test%2Fa%3Fb%3D1";
        assert!(m.text.contains(link), "{}", m.text);
        // The HTML part escapes: `&` in the link becomes `&amp;`, the name's `<` `&lt;`.
        assert!(m.html.contains(&link.replace('&', "&amp;")), "{}", m.html);
        assert!(m.html.contains("Jane &lt;Doe&gt;") && m.text.contains("Jane <Doe>"));
        let m = text(&reset(&jane(), "tok", "https://shop.example.com/", 2));
        assert!(
            m.text
                .contains("customer/account/createPassword/?id=7&token=tok")
        );
        assert!(m.text.contains("valid for 2 hours"));
        let m = text(&password_changed(&jane()));
        assert!(
            m.subject.contains("password has been changed"),
            "{}",
            m.subject
        );
    }

    #[test]
    fn a_template_folder_replaces_single_files() {
        let dir = std::env::temp_dir().join(format!("mail-tpl-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("welcome.subject"), "Hello {{ name }}").unwrap();
        let m = Templates::load(Some(&dir))
            .unwrap()
            .render(&welcome(&jane(), "https://s.test/", None))
            .unwrap();
        assert_eq!(m.subject, "Hello Jane <Doe>");
        assert!(m.text.contains("https://s.test/customer/account/"));
        std::fs::write(dir.join("reset.txt"), "{% if %}").unwrap();
        assert!(
            Templates::load(Some(&dir)).is_err(),
            "a broken override stops startup"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
