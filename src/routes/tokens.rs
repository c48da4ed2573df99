//! `POST /V1/integration/customer/token`: e-mail and password in, an opaque bearer token out.
//! Magento's order (contract §7.1, §7.4, §7.5): input check, per-username throttle, then
//! authentication; every authentication failure gets the same 401 body in about the same time.

use super::body::RequestInput;
use crate::auth::{StoreContext, token};
use crate::db::{self, customers as customer_queries, tokens as token_queries};
use crate::domain::email::normalize;
use crate::error::{ApiError, Phrase};
use crate::input::{to_string, top_level};
use crate::json;
use crate::startup::AppState;
use actix_web::{HttpResponse, web};

fn sign_in_failed() -> ApiError {
    ApiError::Unauthorized(Phrase::new(
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    ))
}

/// `POST /V1/integration/customer/token`
pub async fn issue_customer_token(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let read = |name: &str| {
        top_level(&input, name)
            .map(|v| to_string(None, v))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let (username, password) = (read("username")?, read("password")?);
    let missing: Vec<Phrase> = [("username", &username), ("password", &password)]
        .into_iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(name, _)| Phrase::required(name))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::input_errors(missing));
    }

    // `/rest/all/` signs in against the default store view's website, as Magento does.
    let website_id = if store.is_admin {
        state.scopes.default_store().website_id
    } else {
        store.website_id
    };
    let settings = state.settings.clone();
    let now = db::now();
    let throttle_user = username.clone();
    let email = normalize(&username);
    let (throttled, candidate) = state
        .db
        .run(move |conn| {
            let throttled = token_queries::is_throttled(
                conn,
                &throttle_user,
                token_queries::THROTTLE_TYPE_CUSTOMER,
                now,
                settings.token_max_failures,
            )?;
            let candidate = if throttled {
                None
            } else {
                customer_queries::find_login_candidate(conn, &email, website_id)?
            };
            Ok((throttled, candidate))
        })
        .await?;
    if throttled {
        // Rejected before authentication; no hash is spent on a locked-out username.
        return Err(sign_in_failed());
    }

    let usable = candidate
        .as_ref()
        .filter(|c| c.is_active && c.lock_expires.is_none_or(|until| until <= now));
    let password_ok = state
        .hasher
        .verify(password, usable.and_then(|c| c.password_hash.clone()))
        .await?;

    let settings = state.settings.clone();
    let issued = token::issue();
    let token_hash = issued.hash.clone();
    let customer_id = candidate.as_ref().map(|c| c.entity_id);
    let counts_as_wrong_password = usable.is_some() && !password_ok;
    let signed_in = state
        .db
        .run(move |conn| {
            let now = db::now();
            let Some(customer_id) = customer_id.filter(|_| password_ok) else {
                token_queries::record_throttle_failure(
                    conn,
                    &username,
                    token_queries::THROTTLE_TYPE_CUSTOMER,
                    now,
                    db::chrono_duration(settings.token_lock_duration),
                )?;
                if let (true, Some(id)) = (counts_as_wrong_password, customer_id) {
                    customer_queries::record_login_failure(
                        conn,
                        id,
                        now,
                        settings.lockout_failures,
                        db::chrono_duration(settings.lockout_duration),
                    )?;
                }
                return Ok(false);
            };
            token_queries::reset_throttle(conn, &username, token_queries::THROTTLE_TYPE_CUSTOMER)?;
            customer_queries::clear_login_failures(conn, customer_id)?;
            let expires_at = now + db::chrono_duration(settings.customer_token_lifetime);
            token_queries::insert_customer_token(conn, &token_hash, customer_id, now, expires_at)?;
            Ok(true)
        })
        .await?;
    if !signed_in {
        return Err(sign_in_failed());
    }
    Ok(json::ok(&issued.plain))
}
