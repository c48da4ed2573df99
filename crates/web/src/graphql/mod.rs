//! Front door 2, Magento's customer GraphQL API at `/graphql` (POST, and GET for queries):
//! `request` reads it (body, document, the store header and the bearer token), `response`
//! renders the answer with Magento's status rule; `context` maps errors and holds what a
//! resolver knows, `query` and `mutation` are the resolvers, `types` the schema's types. Every
//! resolver calls the same `accounts` functions as REST. Tokens are shared with REST.

pub mod context;
pub mod graphiql;
pub mod mutation;
pub mod query;
mod request;
mod response;
pub mod types;
pub mod wording;

use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{EmptySubscription, Schema};
use customer_core::state::AppState;
use mutation::MutationRoot;
use query::QueryRoot;

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

/// `POST /graphql` and `GET /graphql`: read, execute, render.
pub async fn graphql(
    state: web::Data<AppState>,
    schema: web::Data<CustomerSchema>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let (request, prepared) = match request::read(&state, &req, payload).await {
        Ok(read) => read,
        Err(refused) => return *refused,
    };
    let response = schema.execute(request).await;
    response::render(response, &prepared)
}
