//! `POST /graphql` (and `GET /graphql?query=...` for queries): Magento's customer GraphQL API.
//!
//! One domain, two front doors: every resolver calls the same `accounts` and database functions
//! as the REST handlers; the code here only maps GraphQL input to them and renders errors as
//! Magento does (rendered messages, `extensions.category`, HTTP 401/403 for authentication and
//! authorization errors as Magento 2.4.8). Tokens are shared with REST.

pub mod types;

use crate::accounts::{self, AddressAccess};
use crate::auth::{Caller, StoreContext, resolve_caller};
use crate::db::customers as queries;
use crate::db::{self, tokens::CustomerTokenOwner};
use crate::directory;
use crate::domain::{customer::CustomerInput as DomainCustomer, email::Email};
use crate::error::{ApiError, Phrase};
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{Context, EmptySubscription, ErrorExtensions, Object, Schema};
use serde_json::{Map, Value, json};
use types::*;

pub type CustomerSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Magento's defaults for `graphql/validation/maximum_query_depth` and `..._complexity`.
pub const MAX_DEPTH: usize = 20;
pub const MAX_COMPLEXITY: usize = 300;

pub fn build_schema() -> CustomerSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

/// What a resolver knows about its request.
pub struct RequestContext {
    pub state: AppState,
    pub caller: Caller,
    pub store: StoreContext,
    pub ip: String,
}

type GqlResult<T> = async_graphql::Result<T>;

fn error(category: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("category", category))
}

fn input_error(message: impl Into<String>) -> async_graphql::Error {
    error("graphql-input", message)
}

/// A shared-domain error as Magento's GraphQL resolvers render it.
fn from_api(e: ApiError) -> async_graphql::Error {
    match e {
        ApiError::Input(p) if p.template == Phrase::duplicate_email().template => {
            error("graphql-already-exists", p.render())
        }
        ApiError::Input(p) => input_error(p.render()),
        ApiError::InputErrors(list) => input_error(
            list.iter()
                .map(Phrase::render)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ApiError::NotFound(p) => error("graphql-no-such-entity", p.render()),
        ApiError::Unauthorized(p) => error("graphql-authentication", p.render()),
        ApiError::Unavailable(cause) => {
            log::warn!("database unavailable: {cause}");
            error(
                "internal",
                "The service is temporarily unavailable. Please try again later.",
            )
        }
        other => {
            log::error!("graphql: {other}");
            error("internal", "Internal server error")
        }
    }
}

fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<RequestContext>()
}

/// The signed-in customer, in a store view of their website.
fn customer_of(ctx: &Context<'_>) -> GqlResult<CustomerTokenOwner> {
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

fn website_of(r: &RequestContext) -> i32 {
    r.store.account_website(&r.state.scopes)
}

async fn load_customer(r: &RequestContext, customer_id: i32) -> GqlResult<Customer> {
    let (row, addresses) = r
        .state
        .db
        .run(move |conn| Ok(queries::load(conn, customer_id)?))
        .await
        .map_err(from_api)?
        .ok_or_else(|| from_api(accounts::no_such_customer(customer_id)))?;
    if row.lock_expires.is_some_and(|until| until > db::now()) {
        return Err(error("graphql-authentication", "The account is locked."));
    }
    Ok(Customer::from_rows(
        &row,
        &addresses,
        r.state.settings.confirmation_required,
    ))
}

fn check_gender(gender: Option<i32>) -> GqlResult<()> {
    match gender {
        Some(g) if !(1..=3).contains(&g) => {
            Err(input_error(format!("\"{g}\" is not a valid gender value.")))
        }
        _ => Ok(()),
    }
}

/// Magento's GraphQL region rules (§9.4): a state-required country needs `region_id`, and a
/// `region_id` must belong to the country (and match `region_code` when both are sent).
fn check_region(input: &CustomerAddressInput) -> GqlResult<()> {
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

pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// The signed-in customer.
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        let owner = customer_of(ctx)?;
        load_customer(request(ctx), owner.customer_id)
            .await
            .map(Some)
    }

    /// Whether an e-mail is free (always true unless GUEST_CHECKOUT_LOGIN is on).
    #[graphql(name = "isEmailAvailable")]
    async fn is_email_available(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> GqlResult<Option<IsEmailAvailableOutput>> {
        if email.trim().is_empty() {
            return Err(input_error("Email must be specified"));
        }
        if Email::parse(&email).is_err() {
            return Err(input_error("Email is invalid"));
        }
        let r = request(ctx);
        let available = accounts::is_email_available(&r.state, &email, website_of(r))
            .await
            .map_err(from_api)?;
        Ok(Some(IsEmailAvailableOutput {
            is_email_available: Some(available),
        }))
    }

    /// The allowed countries with their regions.
    async fn countries(&self) -> Option<Vec<Option<Country>>> {
        Some(
            directory::allowed_countries()
                .map(|c| Some(Country::from_directory(c)))
                .collect(),
        )
    }

    /// One allowed country by its two-letter id.
    async fn country(&self, id: Option<String>) -> GqlResult<Option<Country>> {
        id.as_deref()
            .and_then(directory::allowed_country)
            .map(|c| Some(Country::from_directory(c)))
            .ok_or_else(|| error("graphql-no-such-entity", "The country isn't available."))
    }
}

pub struct MutationRoot;

async fn create(ctx: &Context<'_>, input: CustomerInput) -> GqlResult<Option<CustomerOutput>> {
    let r = request(ctx);
    if input.firstname.is_none()
        && input.lastname.is_none()
        && input.email.is_none()
        && input.password.is_none()
    {
        return Err(input_error("\"input\" value should be specified"));
    }
    if let Some(email) = &input.email
        && Email::parse(email).is_err()
    {
        return Err(input_error(format!(
            "\"{email}\" is not a valid email address."
        )));
    }
    check_gender(input.gender)?;
    let password = input.password.clone();
    let customer = DomainCustomer {
        // The store comes from the request (the `Store` header).
        store_id: (!r.store.is_admin).then_some(i64::from(r.store.store_id)),
        ..input.into_domain()
    };
    let (row, addresses) = accounts::create_account(&r.state, &r.caller, customer, password, None)
        .await
        .map_err(from_api)?;
    Ok(Some(CustomerOutput {
        customer: Customer::from_rows(&row, &addresses, r.state.settings.confirmation_required),
    }))
}

/// The customer's stored row.
async fn stored_customer(r: &RequestContext, customer_id: i32) -> GqlResult<queries::CustomerRow> {
    r.state
        .db
        .run(move |conn| Ok(queries::find(conn, customer_id)?))
        .await
        .map_err(from_api)?
        .ok_or_else(|| from_api(accounts::no_such_customer(customer_id)))
}

/// Lays the given attributes over the stored customer and saves (Magento's partial update).
async fn update(
    r: &RequestContext,
    customer_id: i32,
    given: DomainCustomer,
) -> GqlResult<Customer> {
    let state = &r.state;
    let stored = stored_customer(r, customer_id).await?;
    let merged = given.overlaid_on(stored.as_input());
    let attributes = merged
        .validate_attributes(db::now().date())
        .map_err(from_api)?;
    let now = db::now_seconds();
    let (row, addresses) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                accounts::save_customer(conn, customer_id, &merged, &attributes, None, now)
            })
        })
        .await
        .map_err(from_api)?;
    Ok(Customer::from_rows(
        &row,
        &addresses,
        state.settings.confirmation_required,
    ))
}

async fn address_of(
    r: &RequestContext,
    customer_id: i32,
    address_id: i32,
) -> GqlResult<CustomerAddress> {
    let (row, addresses) = r
        .state
        .db
        .run(move |conn| Ok(queries::load(conn, customer_id)?))
        .await
        .map_err(from_api)?
        .ok_or_else(|| from_api(accounts::no_such_customer(customer_id)))?;
    addresses
        .iter()
        .find(|a| a.entity_id == address_id)
        .map(|a| CustomerAddress::from_row(a, &row))
        .ok_or_else(|| {
            error(
                "graphql-no-such-entity",
                format!("Could not find a address with ID \"{address_id}\""),
            )
        })
}

fn address_access(e: AddressAccess, address_id: i32) -> async_graphql::Error {
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
    }
}

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Creates a customer account.
    #[graphql(
        name = "createCustomer",
        deprecation = "Use `createCustomerV2` instead."
    )]
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CustomerInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        create(ctx, input).await
    }

    /// Creates a customer account.
    #[graphql(name = "createCustomerV2")]
    async fn create_customer_v2(
        &self,
        ctx: &Context<'_>,
        input: CustomerCreateInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        create(ctx, input.into()).await
    }

    /// Signs a customer in; the token works on REST too.
    #[graphql(name = "generateCustomerToken")]
    async fn generate_customer_token(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> GqlResult<Option<CustomerToken>> {
        if email.trim().is_empty() {
            return Err(input_error("Specify the \"email\" value."));
        }
        if password.trim().is_empty() {
            return Err(input_error("Specify the \"password\" value."));
        }
        let r = request(ctx);
        let token = accounts::sign_in_customer(&r.state, website_of(r), email, password)
            .await
            .map_err(from_api)?;
        Ok(Some(CustomerToken { token: Some(token) }))
    }

    /// Signs out the token that makes the call (not every device, unlike Magento).
    #[graphql(name = "revokeCustomerToken")]
    async fn revoke_customer_token(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<RevokeCustomerTokenOutput>> {
        let owner = customer_of(ctx)?;
        let token_id = owner.token_id;
        request(ctx)
            .state
            .db
            .run(move |conn| Ok(db::tokens::revoke(conn, token_id, db::now())?))
            .await
            .map_err(from_api)?;
        Ok(Some(RevokeCustomerTokenOutput { result: true }))
    }

    /// Updates the signed-in customer's attributes (what is sent changes).
    #[graphql(name = "updateCustomerV2")]
    async fn update_customer_v2(
        &self,
        ctx: &Context<'_>,
        input: CustomerUpdateInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        let owner = customer_of(ctx)?;
        check_gender(input.gender)?;
        let given = CustomerInput::from(input).into_domain();
        let customer = update(request(ctx), owner.customer_id, given).await?;
        Ok(Some(CustomerOutput { customer }))
    }

    /// Changes the signed-in customer's e-mail; needs the password.
    #[graphql(name = "updateCustomerEmail")]
    async fn update_customer_email(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> GqlResult<Option<CustomerOutput>> {
        let owner = customer_of(ctx)?;
        let r = request(ctx);
        let customer_id = owner.customer_id;
        let stored = stored_customer(r, customer_id).await?;
        if !r
            .state
            .hasher
            .verify(password, stored.password_hash)
            .await
            .map_err(from_api)?
        {
            return Err(error(
                "graphql-authentication",
                "Invalid login or password.",
            ));
        }
        if Email::parse(&email).is_err() {
            return Err(input_error(format!(
                "\"{email}\" is not a valid email address."
            )));
        }
        let given = DomainCustomer {
            email: Some(email),
            ..DomainCustomer::default()
        };
        let customer = update(r, customer_id, given).await?;
        Ok(Some(CustomerOutput { customer }))
    }

    /// Changes the signed-in customer's password; other devices are signed out.
    #[graphql(name = "changeCustomerPassword")]
    async fn change_customer_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> GqlResult<Option<Customer>> {
        let owner = customer_of(ctx)?;
        if current_password.trim().is_empty() {
            return Err(input_error("Specify the \"currentPassword\" value."));
        }
        if new_password.trim().is_empty() {
            return Err(input_error("Specify the \"newPassword\" value."));
        }
        let r = request(ctx);
        accounts::change_password(
            &r.state,
            owner.customer_id,
            Some(owner.token_id),
            current_password,
            new_password,
        )
        .await
        .map_err(|e| match e {
            ApiError::Unauthorized(p) if p.template != "The account is locked." => {
                error("graphql-authentication", "Invalid login or password.")
            }
            other => from_api(other),
        })?;
        load_customer(r, owner.customer_id).await.map(Some)
    }

    /// Adds an address to the signed-in customer.
    #[graphql(name = "createCustomerAddress")]
    async fn create_customer_address(
        &self,
        ctx: &Context<'_>,
        input: CustomerAddressInput,
    ) -> GqlResult<Option<CustomerAddress>> {
        let owner = customer_of(ctx)?;
        if input.is_empty() {
            return Err(input_error("\"input\" value should be specified"));
        }
        check_region(&input)?;
        let r = request(ctx);
        let customer_id = owner.customer_id;
        let given = input.to_domain();
        let now = db::now_seconds();
        let id = r
            .state
            .db
            .run(move |conn| {
                db::write_transaction(conn, |conn| {
                    accounts::add_address(conn, customer_id, &given, now)
                })
            })
            .await
            .map_err(from_api)?;
        address_of(r, customer_id, id).await.map(Some)
    }

    /// Changes one of the signed-in customer's addresses (what is sent changes).
    #[graphql(name = "updateCustomerAddress")]
    async fn update_customer_address(
        &self,
        ctx: &Context<'_>,
        id: i32,
        input: Option<CustomerAddressInput>,
    ) -> GqlResult<Option<CustomerAddress>> {
        let owner = customer_of(ctx)?;
        let input = input.unwrap_or_default();
        check_region(&input)?;
        let r = request(ctx);
        let customer_id = owner.customer_id;
        let given = input.to_domain();
        let now = db::now_seconds();
        r.state
            .db
            .run(move |conn| {
                db::write_transaction(conn, |conn| {
                    match accounts::owned_address(conn, customer_id, id)? {
                        Ok(stored) => {
                            accounts::update_address(conn, customer_id, &stored, &given, now)
                                .map(|_| Ok(()))
                        }
                        Err(access) => Ok(Err(access)),
                    }
                })
            })
            .await
            .map_err(from_api)?
            .map_err(|access| address_access(access, id))?;
        address_of(r, customer_id, id).await.map(Some)
    }

    /// Deletes one of the signed-in customer's addresses; a default address cannot be deleted.
    #[graphql(name = "deleteCustomerAddress")]
    async fn delete_customer_address(&self, ctx: &Context<'_>, id: i32) -> GqlResult<Option<bool>> {
        let owner = customer_of(ctx)?;
        let customer_id = owner.customer_id;
        enum Outcome {
            Deleted,
            Denied(AddressAccess),
            Default(&'static str),
        }
        let outcome = request(ctx)
            .state
            .db
            .run(move |conn| {
                db::write_transaction(conn, |conn| {
                    if let Err(access) = accounts::owned_address(conn, customer_id, id)? {
                        return Ok::<_, ApiError>(Outcome::Denied(access));
                    }
                    let customer = queries::find(conn, customer_id)?
                        .ok_or_else(|| accounts::no_such_customer(customer_id))?;
                    if customer.default_billing == Some(id) {
                        return Ok(Outcome::Default("billing"));
                    }
                    if customer.default_shipping == Some(id) {
                        return Ok(Outcome::Default("shipping"));
                    }
                    db::addresses::delete(conn, &[id])?;
                    Ok(Outcome::Deleted)
                })
            })
            .await
            .map_err(from_api)?;
        match outcome {
            Outcome::Deleted => Ok(Some(true)),
            Outcome::Denied(access) => Err(address_access(access, id)),
            Outcome::Default(kind) => Err(input_error(format!(
                "Customer Address {id} is set as default {kind} address and can not be deleted"
            ))),
        }
    }

    /// Mails a password-reset link (same limits and privacy as REST).
    #[graphql(name = "requestPasswordResetEmail")]
    async fn request_password_reset_email(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> GqlResult<Option<bool>> {
        if Email::parse(&email).is_err() {
            return Err(input_error("The email address has an invalid format."));
        }
        let r = request(ctx);
        accounts::request_password_reset(
            &r.state,
            email,
            accounts::RESET_TEMPLATES[1].to_owned(),
            website_of(r),
            r.ip.clone(),
        )
        .await
        .map(Some)
        .map_err(from_api)
    }

    /// Sets a new password with a mailed reset key.
    #[graphql(name = "resetPassword")]
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        email: String,
        reset_password_token: String,
        new_password: String,
    ) -> GqlResult<Option<bool>> {
        if email.trim().is_empty() {
            return Err(input_error("You must specify an email address."));
        }
        if Email::parse(&email).is_err() {
            return Err(input_error("The email address has an invalid format."));
        }
        if reset_password_token.trim().is_empty() {
            return Err(input_error("resetPasswordToken must be specified"));
        }
        if new_password.trim().is_empty() {
            return Err(input_error("newPassword must be specified"));
        }
        let r = request(ctx);
        accounts::reset_password(
            &r.state,
            email,
            reset_password_token,
            new_password,
            website_of(r),
        )
        .await
        .map_err(from_api)?;
        Ok(Some(true))
    }
}

// ----------------------------------------------------------------------------------------
// Transport

/// A response made only of errors (the request never reached execution).
fn errors_only(status: StatusCode, message: &str, category: &str) -> HttpResponse {
    crate::json::respond(
        status,
        &json!({"errors": [{"message": message, "extensions": {"category": category}}]}),
    )
}

/// Magento 2.4.8's status rule: 401 when an error is an authentication error, 403 for
/// authorization, else 200.
fn status_of(errors: &[Value]) -> StatusCode {
    let has = |category: &str| {
        errors
            .iter()
            .any(|e| e["extensions"]["category"] == category)
    };
    if has("graphql-authentication") {
        StatusCode::UNAUTHORIZED
    } else if has("graphql-authorization") {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    }
}

fn is_mutation(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
    })
}

/// `POST /graphql` and `GET /graphql`.
pub async fn graphql(
    state: web::Data<AppState>,
    schema: web::Data<CustomerSchema>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let request = if req.method() == actix_web::http::Method::GET {
        let params = crate::wire::search::parse_query(req.query_string());
        let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
        let Some(query) = text("query") else {
            return errors_only(
                StatusCode::BAD_REQUEST,
                "Syntax Error: Unexpected <EOF>",
                "graphql",
            );
        };
        if is_mutation(&query) {
            return errors_only(
                StatusCode::OK,
                "Mutation requests allowed only for POST requests",
                "graphql-input",
            );
        }
        let mut r = async_graphql::Request::new(query);
        if let Some(name) = text("operationName") {
            r = r.operation_name(name);
        }
        if let Some(vars) = text("variables").filter(|v| !v.is_empty()) {
            match serde_json::from_str::<Value>(&vars) {
                Ok(v) => r = r.variables(async_graphql::Variables::from_json(v)),
                Err(_) => {
                    return errors_only(
                        StatusCode::BAD_REQUEST,
                        "Unable to unserialize value.",
                        "graphql-input",
                    );
                }
            }
        }
        r
    } else {
        match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(r) => r,
            Err(_) => {
                return errors_only(
                    StatusCode::BAD_REQUEST,
                    "Unable to unserialize value.",
                    "graphql-input",
                );
            }
        }
    };

    // The `Store` header picks the store view, as in Magento.
    let store = match req.headers().get("Store").map(|v| v.to_str().unwrap_or("")) {
        None | Some("") => state.scopes.default_store(),
        Some(code) => match state.scopes.store_view_by_code(code) {
            Some(s) => s,
            None => {
                return errors_only(
                    StatusCode::OK,
                    &format!("Requested store is not found ({code})"),
                    "graphql-input",
                );
            }
        },
    };
    let store = StoreContext {
        store_id: store.store_id,
        website_id: store.website_id,
        code: store.code.clone(),
        is_admin: false,
    };
    let caller = match resolve_caller(&state, req.headers()).await {
        Ok(c) => c,
        Err(e) => {
            let e = from_api(e);
            return errors_only(StatusCode::SERVICE_UNAVAILABLE, &e.message, "internal");
        }
    };
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let context = RequestContext {
        state: state.get_ref().clone(),
        caller,
        store,
        ip,
    };
    let response = schema.execute(request.data(context)).await;
    let rendered = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    // Magento's key order: errors first, then data.
    let mut out = Map::new();
    let errors = rendered
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !errors.is_empty() {
        out.insert("errors".into(), Value::Array(errors.clone()));
    }
    if let Some(data) = rendered.get("data") {
        out.insert("data".into(), data.clone());
    }
    crate::json::respond(status_of(&errors), &Value::Object(out))
}
