//! Outgoing mail: welcome, confirmation and password-reset messages. Sent over SMTP when
//! `SMTP_URL` is set, otherwise written as `.eml` files into `MAIL_DIR` so a developer can open
//! them. Sending never fails a request: the caller learns `true`/`false` (Magento returns
//! `false` where its contract says so) and the cause goes to the log, without the message body
//! (which may hold a reset link).

use crate::config::{Settings, redact_url};
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{SmtpTransport, Transport};
use std::path::PathBuf;

enum Delivery {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    delivery: std::sync::Arc<Delivery>,
    from: Mailbox,
}

/// A message to one recipient.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("invalid MAIL_FROM {0:?}: {1}")]
    From(String, String),
    #[error("invalid SMTP_URL {0}: {1}")]
    Smtp(String, String),
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
            delivery: std::sync::Arc::new(delivery),
            from,
        })
    }

    /// Sends off the async workers; `true` when the message was handed over.
    pub async fn send(&self, mail: Mail) -> bool {
        let this = self.clone();
        let subject = mail.subject.clone();
        match tokio::task::spawn_blocking(move || this.send_blocking(mail)).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                log::warn!("mail {subject:?} not sent: {e}");
                false
            }
            Err(e) => {
                log::warn!("mail {subject:?} not sent: {e}");
                false
            }
        }
    }

    fn send_blocking(&self, mail: Mail) -> Result<(), String> {
        let to = Mailbox::new(
            Some(mail.to_name.clone()).filter(|n| !n.trim().is_empty()),
            mail.to_email
                .parse()
                .map_err(|e| format!("recipient: {e}"))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| e.to_string())?;
        match self.delivery.as_ref() {
            Delivery::Smtp(transport) => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Delivery::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
                    uuid::Uuid::new_v4().simple()
                );
                let path = dir.join(name);
                std::fs::write(&path, message.formatted())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                log::info!("mail {:?} written to {}", mail.subject, path.display());
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

    /// Welcome mail for an account that can sign in at once.
    pub fn welcome(to: &Recipient, storefront: &str, redirect_url: Option<&str>) -> Mail {
        let link = redirect_url
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}customer/account/", with_slash(storefront)));
        Mail {
            to_email: to.email.to_owned(),
            to_name: to.name.clone(),
            subject: format!("Welcome to {}", to.store_name),
            body: format!(
                "{},\n\nWelcome to {}. To sign in to your account, visit:\n{}\n\n\
                 When you sign in, use your e-mail address {}.\n",
                to.name, to.store_name, link, to.email
            ),
        }
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
        Mail {
            to_email: to.email.to_owned(),
            to_name: to.name.clone(),
            subject: format!("Please confirm your {} account", to.store_name),
            body: format!(
                "{},\n\nYou must confirm your e-mail address {} before you can sign in.\n\
                 To confirm it, visit:\n{}\n\nYour confirmation key is: {}\n",
                to.name, to.email, link, key
            ),
        }
    }

    /// Password reset (Magento templates `email_reset` and `email_reminder` both carry the link).
    pub fn reset(to: &Recipient, token: &str, storefront: &str, valid_hours: i64) -> Mail {
        let link = format!(
            "{}customer/account/createPassword/?id={}&token={}",
            with_slash(storefront),
            to.customer_id,
            query_value(token)
        );
        Mail {
            to_email: to.email.to_owned(),
            to_name: to.name.clone(),
            subject: format!("Reset your {} password", to.store_name),
            body: format!(
                "{},\n\nThere was a request to change the password of {}.\n\
                 To set a new password, visit (valid for {} hours, once):\n{}\n\n\
                 If you did not ask for this, you can ignore this message.\n",
                to.name, to.email, valid_hours, link
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::templates::*;

    fn jane() -> Recipient<'static> {
        Recipient {
            customer_id: 7,
            email: "jdoe@example.com",
            name: "Jane Doe".into(),
            store_name: "Default Store View",
        }
    }

    #[test]
    fn links_are_built_from_the_storefront_url_or_the_redirect_url() {
        let m = welcome(&jane(), "https://shop.example.com", None);
        assert!(
            m.body
                .contains("https://shop.example.com/customer/account/")
        );
        let m = welcome(
            &jane(),
            "https://shop.example.com/",
            Some("https://pwa.example.com/me"),
        );
        assert!(m.body.contains("https://pwa.example.com/me"));
        let m = confirmation(
            &jane(),
            "abc123",
            "https://shop.example.com/",
            Some("https://x.test/a?b=1"),
        );
        assert!(
            m.body.contains("https://shop.example.com/customer/account/confirm/?id=7&key=abc123&back_url=https%3A%2F%2Fx.test%2Fa%3Fb%3D1"),
            "{}",
            m.body
        );
        let m = reset(&jane(), "tok", "https://shop.example.com/", 2);
        assert!(
            m.body
                .contains("customer/account/createPassword/?id=7&token=tok")
        );
    }
}
