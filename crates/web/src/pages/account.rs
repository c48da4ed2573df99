//! The account pages: sign in, create an account, My Account, edit, forgotten password, the
//! reset and confirmation links, sign out. Each parses its form, calls one `accounts`
//! function and renders (a failed form is shown again with the messages, nothing written).

use super::error::PageError;
use super::session::Visit;
use super::session::signed_in;
use super::view::{Chrome, Form, MessagePage, html, redirect, redirect_with};
use super::{absorb, address::AddressView, posted};
use crate::http::client::{client_ip, rate_limit};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use customer_core::accounts::{password, profile, registration, sign_in};
use customer_core::auth::Caller;
use customer_core::domain::customer::CustomerInput;
use customer_core::domain::email::Email;
use customer_core::ratelimit::Limit;
use customer_core::state::AppState;

type Page = Result<HttpResponse, PageError>;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    form: Form,
}

#[derive(Template)]
#[template(path = "create.html")]
struct CreatePage {
    chrome: Chrome,
    form: Form,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    name: String,
    email: String,
    subscribed: bool,
    billing: Option<AddressView>,
    shipping: Option<AddressView>,
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    chrome: Chrome,
    form: Form,
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    form: Form,
}

#[derive(Template)]
#[template(path = "create_password.html")]
struct CreatePasswordPage {
    chrome: Chrome,
    form: Form,
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage {
    chrome: Chrome,
}

/// The chrome with a failed form's general messages at the top.
fn chrome_for(visit: &Visit, title: &str, form: &Form) -> Chrome {
    let mut chrome = Chrome::new(visit, title);
    chrome.errors.extend(form.general.iter().cloned());
    chrome
}

fn status_of(form: &Form) -> StatusCode {
    if form.has_errors() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

fn login_page(visit: &Visit, form: Form, chrome: Option<Chrome>) -> HttpResponse {
    let chrome = chrome.unwrap_or_else(|| chrome_for(visit, "Customer Login", &form));
    html(visit, status_of(&form), &LoginPage { chrome, form })
}

/// `GET /customer/account/login/`
pub async fn login(visit: Visit) -> Page {
    if visit.customer.is_some() {
        return Ok(redirect(&visit, &visit.url("/customer/account/")));
    }
    Ok(login_page(&visit, Form::default(), None))
}

/// `POST /customer/account/loginPost/`: Magento's customer sign-in (same throttle and lockout
/// as the API); the token it issues becomes the session.
pub async fn login_post(
    state: web::Data<AppState>,
    visit: Visit,
    req: HttpRequest,
    body: web::Bytes,
) -> Page {
    let mut form = posted(&visit, &body)?;
    rate_limit(&req, &state, Limit::SignIn)?;
    let email = form.value("email").trim().to_owned();
    let password = form.value("password").to_owned();
    form.forget("password");
    if email.is_empty() || password.is_empty() {
        form.general
            .push("A login and a password are required.".into());
        return Ok(login_page(&visit, form, None));
    }
    match sign_in::sign_in_customer(&state, visit.store.website_id, email, password).await {
        Ok(token) => {
            // A sign-in over an existing session replaces it.
            if let Some(me) = &visit.customer {
                sign_in::revoke_token(&state, me.token_id).await?;
            }
            Ok(redirect_with(
                &visit,
                &visit.url("/customer/account/"),
                vec![visit.session_cookie(&token, state.settings.customer_token_lifetime)],
            ))
        }
        Err(e) => {
            absorb(&mut form, e, None)?;
            // Sign-in failures are one masked message, shown at the top.
            let mut chrome = Chrome::new(&visit, "Customer Login");
            chrome.errors.append(&mut form.general);
            chrome
                .errors
                .extend(["email", "password"].iter().filter_map(|f| form.error(f)));
            let form = Form::new(vec![("email".into(), form.value("email").to_owned())]);
            Ok(html(
                &visit,
                StatusCode::UNAUTHORIZED,
                &LoginPage { chrome, form },
            ))
        }
    }
}

/// `GET /customer/account/create/`
pub async fn create(visit: Visit) -> Page {
    if visit.customer.is_some() {
        return Ok(redirect(&visit, &visit.url("/customer/account/")));
    }
    let form = Form::default();
    Ok(html(
        &visit,
        StatusCode::OK,
        &CreatePage {
            chrome: Chrome::new(&visit, "Create New Customer Account"),
            form,
        },
    ))
}

fn create_page(visit: &Visit, form: Form) -> HttpResponse {
    let chrome = chrome_for(visit, "Create New Customer Account", &form);
    html(visit, status_of(&form), &CreatePage { chrome, form })
}

/// `POST /customer/account/createpost/`: Magento's createAccount in this store view, then
/// signed in (or told to confirm the e-mail first).
pub async fn create_post(
    state: web::Data<AppState>,
    visit: Visit,
    req: HttpRequest,
    body: web::Bytes,
) -> Page {
    let mut form = posted(&visit, &body)?;
    rate_limit(&req, &state, Limit::SignUp)?;
    let password = form.value("password").to_owned();
    let confirmation = form.value("password_confirmation").to_owned();
    form.forget("password");
    form.forget("password_confirmation");
    if password != confirmation {
        form.add_error(
            "password_confirmation",
            "Please make sure your passwords match.",
        );
        return Ok(create_page(&visit, form));
    }
    let email = form.get("email").map(|e| e.trim().to_owned());
    let customer = CustomerInput {
        email: email.clone(),
        firstname: Some(form.value("firstname").to_owned()),
        lastname: Some(form.value("lastname").to_owned()),
        is_subscribed: Some(form.checked("is_subscribed")),
        store_id: Some(i64::from(visit.store.store_id)),
        website_id: Some(i64::from(visit.store.website_id)),
        ..CustomerInput::default()
    };
    let account = match registration::create_account(
        &state,
        &Caller::Guest,
        customer,
        Some(password),
        None,
        None,
    )
    .await
    {
        Ok(account) => account,
        Err(e) => {
            absorb(&mut form, e, None)?;
            return Ok(create_page(&visit, form));
        }
    };
    if account.customer.confirmation.is_some() {
        let chrome = Chrome::new(&visit, "Create New Customer Account");
        return Ok(html(
            &visit,
            StatusCode::OK,
            &MessagePage {
                chrome,
                heading: "Confirm your e-mail address".into(),
                text: "You must confirm your account. Please check your email for the confirmation link.".into(),
            },
        ));
    }
    let token = sign_in::token_for_new_account(&state, &account).await?;
    Ok(redirect_with(
        &visit,
        &visit.url("/customer/account/"),
        vec![
            visit.session_cookie(&token, state.settings.customer_token_lifetime),
            visit.flash_cookie("registered"),
        ],
    ))
}

/// `GET /customer/account/`: contact information, newsletter, default addresses.
pub async fn dashboard(state: web::Data<AppState>, visit: Visit) -> Page {
    let account = signed_in(&state, &visit).await?;
    let c = &account.customer;
    let (billing, shipping) = AddressView::defaults(&account);
    Ok(html(
        &visit,
        StatusCode::OK,
        &DashboardPage {
            chrome: Chrome::new(&visit, "My Account"),
            name: c.full_name(),
            email: c.email.clone(),
            subscribed: c.is_subscribed,
            billing,
            shipping,
        },
    ))
}

fn edit_page(visit: &Visit, form: Form) -> HttpResponse {
    let chrome = chrome_for(visit, "Edit Account Information", &form);
    html(visit, status_of(&form), &EditPage { chrome, form })
}

/// `GET /customer/account/edit/`
pub async fn edit(state: web::Data<AppState>, visit: Visit) -> Page {
    let account = signed_in(&state, &visit).await?;
    let c = &account.customer;
    let form = Form::new(vec![
        ("firstname".into(), c.firstname.clone()),
        ("lastname".into(), c.lastname.clone()),
        ("email".into(), c.email.clone()),
    ]);
    Ok(edit_page(&visit, form))
}

/// `POST /customer/account/editPost/`: names and e-mail, and a new password; the current
/// password is needed to change the e-mail or the password. Other sessions end on a new
/// password; this one stays.
pub async fn edit_post(state: web::Data<AppState>, visit: Visit, body: web::Bytes) -> Page {
    let mut form = posted(&visit, &body)?;
    let Some(me) = visit.customer.clone() else {
        return Ok(redirect(&visit, &visit.url("/customer/account/login/")));
    };
    let current = form.value("current_password").to_owned();
    let new = form.get("password");
    let confirmation = form.value("password_confirmation").to_owned();
    for secret in ["current_password", "password", "password_confirmation"] {
        form.forget(secret);
    }
    if new.as_deref().is_some_and(|n| n != confirmation) {
        form.add_error(
            "password_confirmation",
            "Password confirmation doesn't match entered password.",
        );
        return Ok(edit_page(&visit, form));
    }
    let given = CustomerInput {
        email: Some(form.value("email").trim().to_owned()),
        firstname: Some(form.value("firstname").to_owned()),
        lastname: Some(form.value("lastname").to_owned()),
        ..CustomerInput::default()
    };
    match profile::edit_own_account(
        &state,
        me.customer_id,
        Some(me.token_id),
        given,
        current,
        new,
    )
    .await
    {
        Ok(_) => Ok(redirect_with(
            &visit,
            &visit.url("/customer/account/"),
            vec![visit.flash_cookie("account_saved")],
        )),
        Err(e) => {
            absorb(&mut form, e, Some("current_password"))?;
            Ok(edit_page(&visit, form))
        }
    }
}

fn forgot_page(visit: &Visit, form: Form) -> HttpResponse {
    let chrome = chrome_for(visit, "Forgot Your Password?", &form);
    html(visit, status_of(&form), &ForgotPage { chrome, form })
}

/// `GET /customer/account/forgotpassword/`
pub async fn forgot_password(visit: Visit) -> Page {
    Ok(forgot_page(&visit, Form::default()))
}

/// `POST /customer/account/forgotpasswordpost/`: mails the reset link (Magento's
/// initiatePasswordReset with its limits); the answer never says whether the account exists.
pub async fn forgot_password_post(
    state: web::Data<AppState>,
    visit: Visit,
    req: HttpRequest,
    body: web::Bytes,
) -> Page {
    let mut form = posted(&visit, &body)?;
    rate_limit(&req, &state, Limit::PasswordReset)?;
    let email = form.value("email").trim().to_owned();
    if email.is_empty() {
        form.add_error("email", "Please enter your email.");
        return Ok(forgot_page(&visit, form));
    }
    if Email::parse(&email).is_err() {
        form.add_error(
            "email",
            "The email address is incorrect. Verify the email address and try again.",
        );
        return Ok(forgot_page(&visit, form));
    }
    let ip = client_ip(&req).map(|ip| ip.to_string()).unwrap_or_default();
    match password::request_password_reset(
        &state,
        email.clone(),
        "email_reset".into(),
        visit.store.website_id,
        ip,
    )
    .await
    {
        Ok(_) => {
            let chrome = Chrome::new(&visit, "Customer Login").with_notice(format!(
                "If there is an account associated with {email} you will receive an email with a link to reset your password."
            ));
            Ok(login_page(&visit, Form::default(), Some(chrome)))
        }
        Err(e) => {
            absorb(&mut form, e, None)?;
            // The rate-limit message is about the request, not the field.
            if let Some(message) = form.error("email") {
                form = Form::new(vec![("email".into(), email)]);
                form.general.push(message);
            }
            Ok(forgot_page(&visit, form))
        }
    }
}

/// The reset link's id and key, as the link carries them.
#[derive(serde::Deserialize)]
pub struct LinkQuery {
    id: Option<String>,
    token: Option<String>,
    key: Option<String>,
}

fn expired_link(visit: &Visit) -> HttpResponse {
    let mut form = Form::default();
    form.general
        .push("Your password reset link has expired.".into());
    forgot_page(visit, form)
}

/// `GET /customer/account/createPassword/?id=..&token=..`: the reset mail's link.
pub async fn create_password(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<LinkQuery>,
) -> Page {
    let (Some(id), Some(token)) = (
        query.id.as_deref().and_then(|i| i.parse::<i64>().ok()),
        query.token.clone(),
    ) else {
        return Ok(expired_link(&visit));
    };
    if let Err(e) = password::validate_reset_link(&state, id, token.clone()).await {
        let mut ignored = Form::default();
        absorb(&mut ignored, e, None)?;
        return Ok(expired_link(&visit));
    }
    let form = Form::new(vec![("id".into(), id.to_string()), ("token".into(), token)]);
    Ok(create_password_page(&visit, form))
}

fn create_password_page(visit: &Visit, form: Form) -> HttpResponse {
    let chrome = chrome_for(visit, "Set a New Password", &form);
    html(
        visit,
        status_of(&form),
        &CreatePasswordPage { chrome, form },
    )
}

/// `POST /customer/account/resetpasswordpost/`: spends the key on the new password; every
/// session of the account ends.
pub async fn reset_password_post(
    state: web::Data<AppState>,
    visit: Visit,
    body: web::Bytes,
) -> Page {
    let mut form = posted(&visit, &body)?;
    let new = form.value("password").to_owned();
    let confirmation = form.value("password_confirmation").to_owned();
    form.forget("password");
    form.forget("password_confirmation");
    let Ok(id) = form.value("id").parse::<i64>() else {
        return Ok(expired_link(&visit));
    };
    if new.is_empty() {
        form.add_error("password", "Please enter a new password.");
        return Ok(create_password_page(&visit, form));
    }
    if new != confirmation {
        form.add_error(
            "password_confirmation",
            "New Password and Confirm New Password values didn't match.",
        );
        return Ok(create_password_page(&visit, form));
    }
    let token = form.value("token").to_owned();
    match password::reset_password_of(&state, id, token, new).await {
        Ok(()) => Ok(redirect_with(
            &visit,
            &visit.url("/customer/account/login/"),
            vec![visit.flash_cookie("password_reset")],
        )),
        Err(e) => {
            let key_refused = matches!(&e, customer_core::error::AppError::Invalid(v)
                if v.iter().any(|v| v.field == password::RESET_TOKEN));
            absorb(&mut form, e, None)?;
            if key_refused {
                return Ok(expired_link(&visit));
            }
            Ok(create_password_page(&visit, form))
        }
    }
}

/// `GET /customer/account/confirm/?id=..&key=..`: the confirmation mail's link.
pub async fn confirm(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<LinkQuery>,
) -> Page {
    let id = query.id.as_deref().and_then(|i| i.parse::<i64>().ok());
    let result = match (id, query.key.clone()) {
        (Some(id), Some(key)) => registration::activate_by_id(&state, id, key).await,
        _ => Err(customer_core::error::AppError::Input(
            customer_core::error::Phrase::new(
                "The confirmation token is invalid. Verify the token and try again.",
            ),
        )),
    };
    match result {
        Ok(_) => Ok(redirect_with(
            &visit,
            &visit.url("/customer/account/login/"),
            vec![visit.flash_cookie("confirmed")],
        )),
        Err(e) => {
            let mut form = Form::default();
            absorb(&mut form, e, None)?;
            let text = form.general.first().cloned().unwrap_or_default();
            Ok(html(
                &visit,
                StatusCode::BAD_REQUEST,
                &MessagePage {
                    chrome: Chrome::new(&visit, "Account Confirmation"),
                    heading: "This link does not work".into(),
                    text,
                },
            ))
        }
    }
}

/// `GET /customer/account/logout/`: a sign-out button (signing out takes a POST with the
/// form key, so another site cannot sign a customer out).
pub async fn logout(visit: Visit) -> Page {
    if visit.customer.is_none() {
        return Ok(redirect(&visit, &visit.url("/customer/account/login/")));
    }
    Ok(html(
        &visit,
        StatusCode::OK,
        &LogoutPage {
            chrome: Chrome::new(&visit, "Sign Out"),
        },
    ))
}

/// `POST /customer/account/logout/`: revokes the session's token and drops the cookie.
pub async fn logout_post(state: web::Data<AppState>, visit: Visit, body: web::Bytes) -> Page {
    posted(&visit, &body)?;
    if let Some(me) = &visit.customer {
        sign_in::revoke_token(&state, me.token_id).await?;
    }
    Ok(redirect_with(
        &visit,
        &visit.url("/customer/account/login/"),
        vec![visit.end_session_cookie(), visit.flash_cookie("signed_out")],
    ))
}
