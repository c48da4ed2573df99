//! Rendering: the page chrome every template shares, a submitted form with its per-field
//! errors (Magento's messages mapped to the field they are about), the HTML error page, and
//! the headers every page carries (no caching, no framing, no referrer: the reset page's URL
//! holds a key).

use super::error::{PageError, with_page_headers};
use super::session::Visit;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
#[cfg(test)]
use customer_core::error::Violation;
use customer_core::error::{AppError, Params, Phrase};

/// What the layout shows around every page.
pub struct Chrome {
    pub title: String,
    pub store_name: String,
    pub base: String,
    pub csrf: String,
    /// The signed-in customer's first name.
    pub signed_in: Option<String>,
    pub notice: Option<String>,
    pub errors: Vec<String>,
}

impl Chrome {
    pub fn new(visit: &Visit, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            store_name: visit.store_name.clone(),
            base: visit.base.clone(),
            csrf: visit.csrf_token(),
            signed_in: visit
                .customer
                .as_ref()
                .and_then(|c| c.account.as_ref())
                .map(|a| a.customer.firstname.clone()),
            notice: visit
                .flash
                .as_deref()
                .and_then(flash_text)
                .map(|t| t.replace("%store", &visit.store_name)),
            errors: Vec::new(),
        }
    }

    pub fn with_notice(mut self, notice: impl Into<String>) -> Self {
        self.notice = Some(notice.into());
        self
    }

    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.errors.push(error.into());
        self
    }
}

/// The one-shot notices a redirect can leave for the next page (codes in the flash cookie).
fn flash_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "registered" => "Thank you for registering with %store.",
        "confirmed" => "Thank you for registering with %store.",
        "account_saved" => "You saved the account information.",
        "address_saved" => "You saved the address.",
        "address_deleted" => "You deleted the address.",
        "password_reset" => "You updated your password.",
        "signed_out" => "You are signed out.",
        _ => return None,
    })
}

/// A submitted (or blank) form: its values and Magento's messages next to their fields.
#[derive(Debug, Default)]
pub struct Form {
    values: Vec<(String, String)>,
    errors: Vec<(&'static str, String)>,
    /// Messages about no single field, shown at the top.
    pub general: Vec<String>,
}

impl Form {
    pub fn new(values: Vec<(String, String)>) -> Self {
        Self {
            values,
            ..Self::default()
        }
    }

    /// The first value sent under this name ("" when none).
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A value as an option: `None` when empty.
    pub fn get(&self, name: &str) -> Option<String> {
        Some(self.value(name).to_owned()).filter(|v| !v.is_empty())
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }

    /// Forgets a value, so a password is never sent back into the page.
    pub fn forget(&mut self, name: &str) {
        self.values.retain(|(n, _)| n != name);
    }

    /// The messages about one field, joined.
    pub fn error(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }

    pub fn add_error(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push((field, message.into()));
    }

    /// Places each message of a failed call next to its field, or at the top. Where a message
    /// goes is read from the error's type, never from its text: a violation names its field,
    /// a required-field error its `fieldName`, a duplicate is the e-mail's, and a refused
    /// credential goes to `refusal_field` where the form has one (the current password).
    pub fn add_failure(&mut self, error: &AppError, refusal_field: Option<&'static str>) {
        match error {
            AppError::Invalid(violations) => {
                for v in violations {
                    self.place(form_field(v.field), &v.phrase);
                }
            }
            AppError::Input(p) => self.place(named_field(p), p),
            AppError::InputErrors(list) => {
                for p in list {
                    self.place(named_field(p), p);
                }
            }
            AppError::AlreadyExists(p) => self.place(Some("email"), p),
            AppError::Unauthorized(p) => self.place(refusal_field, p),
            AppError::Locked(p) | AppError::NotFound(p) => self.place(None, p),
            _ => self
                .general
                .push("Something went wrong. Please try again later.".into()),
        }
    }

    fn place(&mut self, field: Option<&'static str>, phrase: &Phrase) {
        for line in phrase.render().lines().filter(|l| !l.trim().is_empty()) {
            match field {
                Some(field) => self.add_error(field, line),
                None => self.general.push(line.to_owned()),
            }
        }
    }
}

/// The form field of a required-field error's `fieldName`.
fn named_field(phrase: &Phrase) -> Option<&'static str> {
    match &phrase.params {
        Params::Named(map) => map
            .get("fieldName")
            .and_then(|v| v.as_str())
            .and_then(form_field),
        _ => None,
    }
}

/// The form field an API field stands for (`None`: the form has no such field, the message
/// goes at the top). The forms have no middle name: its messages sit by the first name.
fn form_field(name: &str) -> Option<&'static str> {
    Some(match name {
        "firstname" | "middlename" => "firstname",
        "lastname" => "lastname",
        "email" => "email",
        "password" => "password",
        "street" => "street",
        "city" => "city",
        "company" => "company",
        "telephone" => "telephone",
        "postcode" => "postcode",
        "countryId" | "country_id" => "country_id",
        "regionId" | "regionCode" | "region" | "region_id" => "region_id",
        _ => return None,
    })
}

/// A template as an HTML response with the page headers and the visit's cookies.
pub fn html(visit: &Visit, status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => visit.finish(with_page_headers(HttpResponse::build(status)).body(body)),
        Err(e) => PageError::internal(e).error_response(),
    }
}

/// 303 to a path (after a successful form, so a reload does not post again).
pub fn redirect(visit: &Visit, to: &str) -> HttpResponse {
    visit.finish(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, to))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
    )
}

/// 303 with cookies set (a new session, an ended session, a notice for the next page).
pub fn redirect_with(visit: &Visit, to: &str, cookies: Vec<HeaderValue>) -> HttpResponse {
    let mut resp = redirect(visit, to);
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// A plain message page (errors of a whole page, and simple outcomes).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub heading: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_land_next_to_the_field_their_error_names() {
        let mut form = Form::default();
        form.add_failure(
            &AppError::Invalid(vec![
                Violation::new("firstname", "\"First Name\" is a required value."),
                Violation::new("email", "\"Email\" is not a valid email address."),
                Violation::new(
                    "gender",
                    "Attribute gender does not contain option with Id 9",
                ),
            ]),
            None,
        );
        form.add_failure(&AppError::Input(Phrase::required("countryId")), None);
        form.add_failure(&AppError::duplicate_email(), None);
        let refused = AppError::Unauthorized(Phrase::new(
            "The password doesn't match this account. Verify the password and try again.",
        ));
        form.add_failure(&refused, Some("current_password"));
        form.add_failure(
            &AppError::Unauthorized(Phrase::new(
                "The account sign-in was incorrect or your account is disabled temporarily.",
            )),
            None,
        );
        assert_eq!(
            form.error("firstname").as_deref(),
            Some("\"First Name\" is a required value.")
        );
        assert_eq!(
            form.error("email").as_deref(),
            Some(
                "\"Email\" is not a valid email address. A customer with the same email address already exists in an associated website."
            )
        );
        assert_eq!(
            form.error("country_id").as_deref(),
            Some("\"countryId\" is required. Enter and try again.")
        );
        assert!(form.error("current_password").is_some());
        // The gender message (no such field on the form) and the sign-in refusal.
        assert_eq!(form.general.len(), 2);
    }
}
