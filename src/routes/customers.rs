//! `POST /V1/customers`: Magento's AccountManagement::createAccount, in Magento's order of
//! checks (contract §5.1), with the customer and its addresses written in one transaction.

use super::body::{RequestInput, required_strings};
use crate::auth::{Caller, StoreContext, token};
use crate::db::customers::{self as queries, AccountPlacement, CreateError, InitialSecrets};
use crate::db::{self, scopes::Scopes};
use crate::domain::customer::CustomerInput;
use crate::error::{ApiError, Phrase};
use crate::input::{dedupe_case_insensitive_keys, to_string, top_level};
use crate::json;
use crate::mail::templates::{self, Recipient};
use crate::startup::AppState;
use crate::wire::customer::{CustomerResponse, parse_customer};
use actix_web::{HttpResponse, web};
use serde_json::json;

/// Magento's `customer/create_account/default_group`.
const DEFAULT_GROUP_ID: i32 = 1;
const MANAGE: &str = "Magento_Customer::manage";

/// Store and website resolution (AccountManagement::createAccountWithPasswordHash): no store
/// and no website → the default store view; a website only → its default store; a store →
/// its website. 0 counts as "not given", as PHP's truthiness does.
pub(crate) fn resolve_placement(
    scopes: &Scopes,
    customer: &CustomerInput,
) -> Result<AccountPlacement, ApiError> {
    let store_not_found = || {
        ApiError::NotFound(Phrase::new(
            "The store that was requested wasn't found. Verify the store and try again.",
        ))
    };
    let store_id = customer.store_id.filter(|&s| s != 0);
    let website_id = customer.website_id.filter(|&w| w != 0);
    let store = match (store_id, website_id) {
        (Some(s), _) => i32::try_from(s)
            .ok()
            .and_then(|s| scopes.store(s))
            .ok_or_else(store_not_found)?,
        (None, Some(w)) => {
            let website = i32::try_from(w)
                .ok()
                .and_then(|w| scopes.website(w))
                .ok_or_else(|| {
                    ApiError::NotFound(Phrase::positional(
                        "The website with id %1 that was requested wasn't found. Verify the website and try again.",
                        vec![json!(w)],
                    ))
                })?;
            scopes
                .website_default_store(website.website_id)
                .ok_or_else(store_not_found)?
        }
        (None, None) => scopes.default_store(),
    };
    if website_id.is_some_and(|w| w != i64::from(store.website_id)) {
        return Err(ApiError::Input(Phrase::new(
            "The store view is not in the associated website.",
        )));
    }
    let group_id = match customer.group_id {
        None => DEFAULT_GROUP_ID,
        Some(g) => i32::try_from(g)
            .ok()
            .filter(|&g| g == 0 || scopes.customer_group_exists(g))
            .ok_or_else(|| {
                ApiError::Input(Phrase::new(
                    "The specified customer group id does not exist.",
                ))
            })?,
    };
    Ok(AccountPlacement {
        website_id: store.website_id,
        store_id: store.store_id,
        group_id,
        created_in: store.name.clone(),
    })
}

/// `POST /V1/customers`
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Caller,
    _store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let customer_value = top_level(&input, "customer");
    let customer = customer_value
        .map(|v| parse_customer("customer", &dedupe_case_insensitive_keys(v)))
        .transpose()?;
    let password = top_level(&input, "password")
        .map(|v| to_string(None, v))
        .transpose()?;
    // Only used in e-mails; still type-checked as Magento does.
    let redirect_url = top_level(&input, "redirectUrl")
        .map(|v| to_string(None, v))
        .transpose()?;
    let customer = customer.ok_or_else(|| ApiError::Input(Phrase::required("customer")))?;

    if customer.group_id.is_some() && !caller.has_resource(MANAGE) {
        return Err(ApiError::not_authorized(MANAGE));
    }
    let Some(email) = customer.email.clone() else {
        return Err(ApiError::Input(Phrase::new(
            "The email address is required to create a customer account.",
        )));
    };
    let password = password
        .map(|p| {
            state
                .settings
                .password_policy
                .check(&p, &email)
                .map_err(ApiError::Input)
        })
        .transpose()?;
    let placement = resolve_placement(&state.scopes, &customer)?;

    // Validation is pure and cheap; its errors are reported after the duplicate check, in
    // Magento's order, but computed first so no hash is spent on a doomed request.
    let today = db::now().date();
    let attributes = customer.validate_attributes(today);
    let addresses: Result<Vec<_>, ApiError> = customer
        .addresses
        .iter()
        .flatten()
        .map(|a| a.validate())
        .collect();

    let normalized = crate::domain::email::normalize(&email);
    let website_id = placement.website_id;
    let existing = state
        .db
        .run(move |conn| Ok(queries::find_id_by_email(conn, &normalized, website_id)?))
        .await?;
    if customer.id.is_some() {
        // Magento loads the account by e-mail when an id is sent.
        return Err(match existing {
            Some(_) => ApiError::Input(Phrase::new("This customer already exists in this store.")),
            None => ApiError::NotFound(Phrase::no_such_email(&email, website_id)),
        });
    }
    if existing.is_some() {
        return Err(ApiError::Input(Phrase::duplicate_email()));
    }
    let attributes = attributes?;
    let addresses = addresses?;

    let secrets = InitialSecrets {
        password_hash: match password {
            Some(p) => Some(state.hasher.hash(p.expose().to_owned()).await?),
            None => None,
        },
        confirmation_hash: None,
    };
    let confirmation_key = state.settings.confirmation_required.then(token::issue_key);
    let secrets = InitialSecrets {
        confirmation_hash: confirmation_key.as_ref().map(|k| k.hash.clone()),
        ..secrets
    };
    let now = db::now_seconds();
    let (row, address_rows) = state
        .db
        .run(move |conn| {
            let id = queries::create_with_addresses(
                conn,
                &attributes,
                &placement,
                &secrets,
                &addresses,
                now,
            )
            .map_err(|e| match e {
                CreateError::DuplicateEmail => ApiError::Input(Phrase::duplicate_email()),
                CreateError::Database(e) => ApiError::from(e),
            })?;
            queries::load(conn, id)?
                .ok_or_else(|| ApiError::internal(format!("customer {id} vanished after insert")))
        })
        .await?;
    // Mail failures never fail the sign-up (Magento ignores them too); they are logged.
    let recipient = Recipient {
        customer_id: row.entity_id,
        email: &row.email,
        name: row.full_name(),
        store_name: &row.created_in,
    };
    let storefront = &state.settings.storefront_url;
    let mail = match &confirmation_key {
        Some(key) => {
            templates::confirmation(&recipient, &key.plain, storefront, redirect_url.as_deref())
        }
        None => templates::welcome(&recipient, storefront, redirect_url.as_deref()),
    };
    state.mailer.send(mail).await;
    Ok(json::ok(&CustomerResponse::from_rows(&row, &address_rows)))
}

/// `POST /V1/customers/isEmailAvailable` (AccountManagement::isEmailAvailable). Like Magento
/// by default, always `true`, so the call cannot be used to find out who has an account; with
/// `GUEST_CHECKOUT_LOGIN` on, `false` for an e-mail with an account in the website.
pub async fn is_email_available(
    state: web::Data<AppState>,
    store: StoreContext,
    body: RequestInput,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let [email] = required_strings(&input, ["customerEmail"])?;
    let website_id = super::request_website(&state, &store, &input)?;
    if !state.settings.guest_checkout_login {
        return Ok(json::ok(&true));
    }
    let normalized = crate::domain::email::normalize(&email);
    let existing = state
        .db
        .run(move |conn| Ok(queries::find_id_by_email(conn, &normalized, website_id)?))
        .await?;
    Ok(json::ok(&existing.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::scopes::{Store, StoreGroup, Website};

    fn scopes() -> Scopes {
        Scopes {
            websites: vec![
                Website {
                    website_id: 0,
                    code: "admin".into(),
                    name: "Admin".into(),
                    sort_order: 0,
                    default_group_id: 0,
                    is_default: false,
                },
                Website {
                    website_id: 1,
                    code: "base".into(),
                    name: "Main Website".into(),
                    sort_order: 0,
                    default_group_id: 1,
                    is_default: true,
                },
            ],
            groups: vec![
                StoreGroup {
                    group_id: 0,
                    website_id: 0,
                    name: "Default".into(),
                    root_category_id: 0,
                    default_store_id: 0,
                    code: "default".into(),
                },
                StoreGroup {
                    group_id: 1,
                    website_id: 1,
                    name: "Main Website Store".into(),
                    root_category_id: 2,
                    default_store_id: 1,
                    code: "main_website_store".into(),
                },
            ],
            stores: vec![
                Store {
                    store_id: 0,
                    code: "admin".into(),
                    website_id: 0,
                    group_id: 0,
                    name: "Admin".into(),
                    sort_order: 0,
                    is_active: true,
                },
                Store {
                    store_id: 1,
                    code: "default".into(),
                    website_id: 1,
                    group_id: 1,
                    name: "Default Store View".into(),
                    sort_order: 0,
                    is_active: true,
                },
            ],
            customer_group_ids: vec![0, 1, 2, 3],
        }
    }

    #[test]
    fn without_store_or_website_the_default_store_view_is_used() {
        let p = resolve_placement(&scopes(), &CustomerInput::default()).unwrap();
        assert_eq!((p.website_id, p.store_id, p.group_id), (1, 1, 1));
        assert_eq!(p.created_in, "Default Store View");
    }

    #[test]
    fn a_store_outside_the_website_is_refused() {
        let c = CustomerInput {
            store_id: Some(0),
            website_id: Some(1),
            ..Default::default()
        };
        assert!(resolve_placement(&scopes(), &c).is_ok());
        let c = CustomerInput {
            store_id: Some(1),
            website_id: Some(5),
            ..Default::default()
        };
        assert_eq!(
            resolve_placement(&scopes(), &c).unwrap_err().to_string(),
            "input error: The store view is not in the associated website."
        );
        let c = CustomerInput {
            store_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(ApiError::NotFound(_))
        ));
        let c = CustomerInput {
            website_id: Some(9),
            ..Default::default()
        };
        assert!(matches!(
            resolve_placement(&scopes(), &c),
            Err(ApiError::NotFound(_))
        ));
    }
}
