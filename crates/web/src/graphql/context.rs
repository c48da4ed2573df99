//! What a resolver knows about its request (`RequestContext`), the signed-in customer rule,
//! and the one mapping from `AppError` to a GraphQL error as Magento's resolvers render it
//! (the rendered message and `extensions.category`).

use async_graphql::{Context, ErrorExtensions};
use customer_core::accounts::AddressAccess;
use customer_core::auth::{AuthenticatedCustomer, Caller, StoreContext};
use customer_core::error::AppError;
use customer_core::ratelimit::Limit;
use customer_core::state::AppState;

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
        AppError::Invalid(violations) => input_error(AppError::joined(&violations).render()),
        AppError::InputErrors(list) => input_error(
            list.iter()
                .map(customer_core::error::Phrase::render)
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

/// The signed-in customer, in a store view of their website (the core's `self` rule, as REST
/// and the pages apply it).
pub fn customer_of(ctx: &Context<'_>) -> GqlResult<AuthenticatedCustomer> {
    let r = request(ctx);
    AuthenticatedCustomer::of(&r.caller, &r.store, None).map_err(|_| {
        error(
            "graphql-authorization",
            "The current customer isn't authorized.",
        )
    })
}

pub fn website_of(r: &RequestContext) -> i32 {
    r.store.account_website(&r.state.scopes)
}

/// A failed change to the customer's own address: `refused` words the refusal as the
/// mutation's version of Magento does, anything else as every error.
pub fn address_error(
    e: customer_core::accounts::AddressError,
    refused: impl FnOnce(AddressAccess) -> async_graphql::Error,
) -> async_graphql::Error {
    match e {
        customer_core::accounts::AddressError::Refused(access) => refused(access),
        customer_core::accounts::AddressError::Failed(e) => from_app(e),
    }
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

/// The same refusals for the uid-addressed mutations (`...AddressV2`), which never name the id.
pub fn address_access_v2(e: AddressAccess) -> async_graphql::Error {
    match e {
        AddressAccess::Missing => error(
            "graphql-no-such-entity",
            "Could not find an address with the specified ID",
        ),
        AddressAccess::NotOwned => error(
            "graphql-authorization",
            "Current customer does not have permission to get address with the specified ID",
        ),
        AddressAccess::IsDefault(kind) => input_error(format!(
            "Customer Address with the specified ID is set as default {kind} address and can not be deleted"
        )),
    }
}

/// CustomerGraphQl's ValidateCustomerData: a required attribute sent empty (PHP's `== ''`:
/// an empty string) is refused, every such label in attribute order.
pub fn check_required(
    first: Option<&str>,
    last: Option<&str>,
    email: Option<&str>,
) -> GqlResult<()> {
    let missing: Vec<&str> = [("First Name", first), ("Last Name", last), ("Email", email)]
        .into_iter()
        .filter(|(_, value)| *value == Some(""))
        .map(|(label, _)| label)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(input_error(format!(
            "Required parameters are missing: {}",
            missing.join(", ")
        )))
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
