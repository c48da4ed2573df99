//! Password reset (AccountManagement::initiatePasswordReset, validateResetPasswordLinkToken,
//! resetPassword). Reset keys are random, stored only as hashes, expire after
//! `RESET_TOKEN_LIFETIME_HOURS` (Magento's 2), work once, and a successful reset clears the
//! account lockout and revokes every token. Unless `GUEST_CHECKOUT_LOGIN` is on (Magento's
//! lookup behaviour), answers never reveal whether an e-mail has an account.

use super::body::{RequestInput, required_strings};
use crate::auth::{StoreContext, token};
use crate::db::customers::{self as queries, CustomerChanges, CustomerRow};
use crate::db::{self, password_resets, tokens as token_queries};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::input::to_int;
use crate::json;
use crate::mail::templates::{self, Recipient};
use crate::startup::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

const TEMPLATES: [&str; 2] = ["email_reminder", "email_reset"];

fn mismatched() -> ApiError {
    ApiError::Input(Phrase::new(
        "The password token is mismatched. Reset and try again.",
    ))
}

/// Checks a presented reset key against the stored hash and its age (Magento: expired when
/// whole hours since issue reach the lifetime, or when issued in the future).
fn check_reset_key(
    customer: &CustomerRow,
    presented: &str,
    now: NaiveDateTime,
    lifetime_hours: i64,
) -> Result<(), ApiError> {
    let (Some(stored), Some(issued)) = (&customer.rp_token_hash, customer.rp_token_created_at)
    else {
        return Err(mismatched());
    };
    if *stored != token::hash(presented) {
        return Err(mismatched());
    }
    let age = now - issued;
    if age < chrono::TimeDelta::zero() || age.num_hours() >= lifetime_hours {
        return Err(ApiError::Input(Phrase::new(
            "The password token is expired. Reset and try again.",
        )));
    }
    Ok(())
}

/// `PUT /V1/customers/password`: sends a reset link. Returns `false` when the mail could not
/// be sent.
pub async fn initiate_password_reset(
    state: web::Data<AppState>,
    store: StoreContext,
    req: HttpRequest,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email, template] = required_strings(&input, ["email", "template"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    // The peer address, not a forwarded header a client could forge.
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let settings = state.settings.clone();
    let normalized = normalize(&email);
    let key_for_limit = normalized.clone();
    let limited = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = db::now();
                let limited = password_resets::is_limited(
                    conn,
                    &key_for_limit,
                    &ip,
                    now,
                    settings.reset_max_requests_per_hour,
                    db::chrono_duration(settings.reset_min_interval),
                )?;
                if !limited {
                    password_resets::record(conn, &key_for_limit, &ip, now)?;
                }
                Ok::<_, ApiError>(limited)
            })
        })
        .await?;
    if limited {
        return Err(ApiError::Input(Phrase::positional(
            "We received too many requests for password resets. Please wait and try again later or contact %1.",
            vec![json!(state.settings.contact_email)],
        )));
    }
    if !TEMPLATES.contains(&template.as_str()) {
        return Err(ApiError::Input(
            Phrase::new("Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.")
                .with("value", template.as_str())
                .with("fieldName", "template")
                .with("template1", TEMPLATES[0])
                .with("template2", TEMPLATES[1]),
        ));
    }

    let key = token::issue_key();
    let key_hash = key.hash.clone();
    let customer = state
        .db
        .run(move |conn| {
            let Some(customer) = queries::find_by_email(conn, &normalized, website_id)? else {
                return Ok(None);
            };
            queries::update(
                conn,
                customer.entity_id,
                &CustomerChanges {
                    rp_token_hash: Some(Some(key_hash)),
                    rp_token_created_at: Some(Some(db::now())),
                    ..CustomerChanges::default()
                },
            )?;
            Ok(Some(customer))
        })
        .await?;
    let Some(customer) = customer else {
        return if state.settings.guest_checkout_login {
            Err(ApiError::NotFound(Phrase::no_such_email(
                &email, website_id,
            )))
        } else {
            Ok(json::ok(&true))
        };
    };
    let store_name = state
        .scopes
        .store(customer.store_id)
        .map_or_else(|| "our store".to_owned(), |s| s.name.clone());
    let mail = templates::reset(
        &Recipient {
            customer_id: customer.entity_id,
            email: &customer.email,
            name: customer.full_name(),
            store_name: &store_name,
        },
        &key.plain,
        &state.settings.storefront_url,
        state.settings.reset_token_lifetime_hours,
    );
    Ok(json::ok(&state.mailer.send(mail).await))
}

/// `GET /V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}`
pub async fn validate_reset_link(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let raw_id = super::path_param(&req, "customerId")?;
    let presented = super::path_param(&req, "resetPasswordLinkToken")?;
    let customer_id = to_int(None, &Value::String(raw_id))?;
    if customer_id == 0 {
        return Err(ApiError::Input(Phrase::invalid_field_value(
            "customerId",
            0,
        )));
    }
    let not_found = || ApiError::NotFound(Phrase::no_such_entity("customerId", customer_id));
    let id = i32::try_from(customer_id).map_err(|_| not_found())?;
    let customer = state
        .db
        .run(move |conn| Ok(queries::find(conn, id)?))
        .await?
        .ok_or_else(not_found)?;
    check_reset_key(
        &customer,
        &presented,
        db::now(),
        state.settings.reset_token_lifetime_hours,
    )?;
    Ok(json::ok(&true))
}

/// `POST /V1/customers/resetPassword`
pub async fn reset_password(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email, reset_token, new_password] =
        required_strings(&input, ["email", "resetToken", "newPassword"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    let normalized = normalize(&email);
    let customer = state
        .db
        .run(move |conn| Ok(queries::find_by_email(conn, &normalized, website_id)?))
        .await?;
    let Some(customer) = customer else {
        return Err(if state.settings.guest_checkout_login {
            ApiError::NotFound(Phrase::no_such_email(&email, website_id))
        } else {
            mismatched()
        });
    };
    check_reset_key(
        &customer,
        &reset_token,
        db::now(),
        state.settings.reset_token_lifetime_hours,
    )?;
    let password = state
        .settings
        .password_policy
        .check(&new_password, &customer.email)
        .map_err(ApiError::Input)?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let customer_id = customer.entity_id;
    let presented_hash = token::hash(&reset_token);
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                // Single use: the key must still be the stored one inside the transaction.
                let still_valid = queries::find(conn, customer_id)?
                    .is_some_and(|c| c.rp_token_hash.as_deref() == Some(presented_hash.as_str()));
                if !still_valid {
                    return Err(mismatched());
                }
                let now = db::now();
                queries::update(
                    conn,
                    customer_id,
                    &CustomerChanges::password(hash, now).unlocked(),
                )?;
                token_queries::revoke_all_of_customer(conn, customer_id, None, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(json::ok(&true))
}
