//! What a resolver knows about its request (`RequestContext`), the signed-in customer rule,
//! and the one mapping from `AppError` to a GraphQL error as Magento's resolvers render it
//! (the rendered message and `extensions.category`).

use super::types::{Customer, CustomerAddressInput};
use crate::accounts::AddressAccess;
use crate::accounts::{EntityId, load_account};
use crate::auth::{Caller, StoreContext};
use crate::db::tokens::CustomerTokenOwner;
use crate::directory;
use crate::error::AppError;
use crate::ratelimit::Limit;
use crate::state::AppState;
use async_graphql::{Context, ErrorExtensions};

/// What a resolver knows about its request.
pub struct RequestContext {
    pub state: AppState,
    pub caller: Caller,
    pub store: StoreContext,
    pub ip: String,
    /// The client IP the rate limits count (`ip` is its text, for the database-held limits).
    pub client: Option<std::net::IpAddr>,
    /// The longest `Retry-After` (seconds) of the rate-limit refusals in this document; the
    /// transport answers 429 with it when any field was refused.
    pub retry_after: std::sync::atomic::AtomicU64,
}

pub type GqlResult<T> = async_graphql::Result<T>;

pub fn error(category: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("category", category))
}

pub fn input_error(message: impl Into<String>) -> async_graphql::Error {
    error("graphql-input", message)
}

/// An `AppError` as Magento's GraphQL resolvers render it: the rendered message with its
/// category, chosen by the error's kind.
pub fn from_app(e: AppError) -> async_graphql::Error {
    match e {
        AppError::AlreadyExists(p) => error("graphql-already-exists", p.render()),
        AppError::Input(p) => input_error(p.render()),
        AppError::InputErrors(list) => input_error(
            list.iter()
                .map(crate::error::Phrase::render)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        AppError::NotFound(p) => error("graphql-no-such-entity", p.render()),
        AppError::Unauthorized(p) | AppError::Locked(p) => {
            error("graphql-authentication", p.render())
        }
        // Magento's GraphQlTooManyRequestsException (Backpressure\BackpressureFieldValidator).
        AppError::TooManyRequests { .. } => error("graphql-too-many-requests", "Too Many Requests"),
        AppError::Unavailable(_) => {
            tracing::warn!("{}", e.cause_chain());
            error(
                "internal",
                "The service is temporarily unavailable. Please try again later.",
            )
        }
        other => {
            tracing::error!("graphql: {}", other.cause_chain());
            error("internal", "Internal server error")
        }
    }
}

/// Counts one request, or one guess of a batched document (each aliased field resolves on
/// its own), against a per-client rate limit. A refusal is Magento's
/// `graphql-too-many-requests` error and makes the transport answer 429 with `Retry-After`.
pub fn throttle(r: &RequestContext, limit: Limit) -> GqlResult<()> {
    r.state.limits.check(limit, r.client).map_err(|e| {
        if let AppError::TooManyRequests { retry_after } = &e {
            r.retry_after
                .fetch_max(*retry_after, std::sync::atomic::Ordering::Relaxed);
        }
        from_app(e)
    })
}

pub fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<std::sync::Arc<RequestContext>>()
}

/// The signed-in customer, in a store view of their website.
pub fn customer_of(ctx: &Context<'_>) -> GqlResult<CustomerTokenOwner> {
    let r = request(ctx);
    match r.caller {
        Caller::Customer(owner) if !r.store.is_admin && owner.website_id == r.store.website_id => {
            Ok(owner)
        }
        _ => Err(error(
            "graphql-authorization",
            "The current customer isn't authorized.",
        )),
    }
}

pub fn website_of(r: &RequestContext) -> i32 {
    r.store.account_website(&r.state.scopes)
}

/// The customer's account as GraphQL renders it; a locked account answers as Magento's
/// `customer` query does.
pub async fn load_customer(r: &RequestContext, customer_id: i32) -> GqlResult<Customer> {
    let account = load_account(&r.state, EntityId::from(customer_id))
        .await
        .map_err(from_app)?;
    if account
        .customer
        .lock_expires
        .is_some_and(|until| until > crate::db::now())
    {
        return Err(error("graphql-authentication", "The account is locked."));
    }
    Ok(Customer::from_account(
        &account,
        r.state.settings.confirmation_required,
    ))
}

/// Magento's messages for an address the customer cannot touch.
pub fn address_access(e: AddressAccess, address_id: i32) -> async_graphql::Error {
    match e {
        AddressAccess::Missing => error(
            "graphql-no-such-entity",
            format!("Could not find a address with ID \"{address_id}\""),
        ),
        AddressAccess::NotOwned => error(
            "graphql-authorization",
            format!(
                "Current customer does not have permission to address with ID \"{address_id}\""
            ),
        ),
        AddressAccess::IsDefault(kind) => input_error(format!(
            "Customer Address {address_id} is set as default {kind} address and can not be deleted"
        )),
    }
}

pub fn check_gender(gender: Option<i32>) -> GqlResult<()> {
    match gender {
        Some(g) if !(1..=3).contains(&g) => {
            Err(input_error(format!("\"{g}\" is not a valid gender value.")))
        }
        _ => Ok(()),
    }
}

/// Magento's GraphQL region rules (§9.4): a state-required country needs `region_id`, and a
/// `region_id` must belong to the country (and match `region_code` when both are sent).
pub fn check_region(input: &CustomerAddressInput) -> GqlResult<()> {
    let Some(country) = input.country_code.or(input.country_id).map(|c| c.code()) else {
        return Ok(());
    };
    let region = input.region.clone().unwrap_or_default();
    match region.region_id.filter(|&id| id != 0) {
        None if directory::is_state_required(country) && directory::has_regions(country) => Err(
            input_error("A region_id is required for the specified country code"),
        ),
        None => Ok(()),
        Some(id) => {
            let found = u32::try_from(id)
                .ok()
                .and_then(directory::region_by_id)
                .filter(|r| r.country_id == country)
                .filter(|r| region.region_code.as_deref().is_none_or(|c| c == r.code));
            found.map(|_| ()).ok_or_else(|| {
                input_error("The region_id does not match the selected country or region")
            })
        }
    }
}

/// A customer group as `CustomerGroupStorefront` (`customerGroup`, `Customer.group`).
pub async fn customer_group(
    ctx: &Context<'_>,
    group_id: i32,
) -> GqlResult<super::types::CustomerGroupStorefront> {
    let group = crate::accounts::groups::get_group(&request(ctx).state, group_id.into())
        .await
        .map_err(from_app)?;
    Ok(super::types::CustomerGroupStorefront::from_row(&group))
}
