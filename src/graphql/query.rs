//! Magento's customer GraphQL queries.

use super::context::{
    GqlResult, customer_of, error, from_app, input_error, load_customer, request, website_of,
};
use super::types::*;
use crate::accounts::registration;
use crate::directory;
use crate::domain::email::Email;
use async_graphql::{Context, Object};

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
        let available = registration::is_email_available(&r.state, &email, website_of(r))
            .await
            .map_err(from_app)?;
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
