//! Front door 3: the storefront account pages a customer uses in a browser, at Magento's
//! storefront URLs (`/customer/account/...`, `/customer/address/...`), for the default store
//! view unprefixed and for other store views under their code (`/<store_code>/customer/...`,
//! Magento's `web/url/use_store` kept simple). Server-rendered HTML (askama templates compiled
//! in), no JavaScript, forms posted with a CSRF token.
//!
//! Pages call the same `accounts` functions as REST and GraphQL, so every rule and message is
//! theirs; a page only maps the messages to the fields they are about.

mod account;
mod address;
mod error;
mod session;
mod view;

pub use session::{FORM_KEY_COOKIE, FORM_KEY_FIELD, SESSION_COOKIE};

use actix_web::web;
use error::PageError;

/// The page routes, under every store view's prefix.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for prefix in ["", "/{store_code}"] {
        cfg.service(
            web::scope(&format!("{prefix}/customer"))
                .configure(customer_pages)
                .default_service(web::to(not_found)),
        );
    }
}

fn customer_pages(cfg: &mut web::ServiceConfig) {
    use web::{get, post, resource};
    // Magento's URLs work with and without the trailing slash.
    let at = |path: &str| resource([path.to_owned(), format!("{path}/")]);
    cfg.service(at("/account").route(get().to(account::dashboard)))
        .service(at("/account/index").route(get().to(account::dashboard)))
        .service(at("/account/login").route(get().to(account::login)))
        .service(at("/account/loginPost").route(post().to(account::login_post)))
        .service(at("/account/create").route(get().to(account::create)))
        .service(at("/account/createpost").route(post().to(account::create_post)))
        .service(at("/account/edit").route(get().to(account::edit)))
        .service(at("/account/editPost").route(post().to(account::edit_post)))
        .service(at("/account/forgotpassword").route(get().to(account::forgot_password)))
        .service(at("/account/forgotpasswordpost").route(post().to(account::forgot_password_post)))
        .service(at("/account/createPassword").route(get().to(account::create_password)))
        .service(at("/account/resetpasswordpost").route(post().to(account::reset_password_post)))
        .service(at("/account/confirm").route(get().to(account::confirm)))
        .service(
            at("/account/logout")
                .route(get().to(account::logout))
                .route(post().to(account::logout_post)),
        )
        .service(at("/address").route(get().to(address::book)))
        .service(at("/address/index").route(get().to(address::book)))
        .service(at("/address/new").route(get().to(address::new)))
        .service(at("/address/edit/id/{id}").route(get().to(address::edit)))
        .service(at("/address/formPost").route(post().to(address::form_post)))
        .service(at("/address/delete").route(post().to(address::delete)));
}

async fn not_found() -> actix_web::HttpResponse {
    actix_web::ResponseError::error_response(&PageError::NotFound)
}

/// A posted form, once its CSRF token is checked (before anything else, as Magento does);
/// a form without a valid token is refused with 403 and nothing is done.
fn posted(visit: &session::Visit, body: &[u8]) -> Result<view::Form, PageError> {
    let mut values: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| PageError::Forbidden)?;
    let token = values
        .iter()
        .find(|(n, _)| n == FORM_KEY_FIELD)
        .map(|(_, v)| v.clone());
    if !visit.csrf_ok(token.as_deref()) {
        return Err(PageError::Forbidden);
    }
    values.retain(|(n, _)| n != FORM_KEY_FIELD);
    // Repeated `street[]` fields become `street_1`, `street_2`, as the form names its inputs.
    let mut line = 0;
    for (name, _) in values.iter_mut() {
        if name == "street[]" {
            line += 1;
            *name = format!("street_{line}");
        }
    }
    Ok(view::Form::new(values))
}

/// Failures a form shows to its user; anything else (database down, a bug) is a page error.
/// `refusal_field`: where the form shows a refused credential (else at the top).
fn absorb(
    form: &mut view::Form,
    error: customer_core::error::AppError,
    refusal_field: Option<&'static str>,
) -> Result<(), PageError> {
    use customer_core::error::AppError as E;
    match error {
        E::Input(_)
        | E::InputErrors(_)
        | E::Invalid(_)
        | E::AlreadyExists(_)
        | E::Unauthorized(_)
        | E::Locked(_)
        | E::NotFound(_) => {
            form.add_failure(&error, refusal_field);
            Ok(())
        }
        other => Err(other.into()),
    }
}
