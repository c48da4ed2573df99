//! Magento's customer GraphQL queries.

use super::context::{GqlResult, customer_of, error, from_app, input_error, request, website_of};
use super::types::*;
use async_graphql::{Context, Object};
use customer_core::accounts::{registration, storefront};
use customer_core::directory;
use customer_core::domain::email::Email;

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

    /// The group of the signed-in customer, or NOT LOGGED IN for a guest (CustomerGraphQl's
    /// `CustomerGroupResolver`).
    #[graphql(name = "customerGroup")]
    async fn customer_group(&self, ctx: &Context<'_>) -> GqlResult<CustomerGroupStorefront> {
        let group_id = match customer_of(ctx).ok() {
            Some(owner) => {
                load_customer(request(ctx), owner.customer_id)
                    .await?
                    .customer_group_id
            }
            None => customer_core::domain::group::NOT_LOGGED_IN_ID,
        };
        customer_group(ctx, group_id).await
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

    /// The configuration of the request's store view (the `Store` header).
    #[graphql(name = "storeConfig")]
    async fn store_config(&self, ctx: &Context<'_>) -> GqlResult<StoreConfig> {
        let r = request(ctx);
        storefront::store_view(&r.state, r.store.store_id)
            .map(|v| StoreConfig::from_view(&r.state, &v))
            .ok_or_else(|| error("graphql-no-such-entity", "Store doesn't exist"))
    }

    /// The active store views of the request's website (or of its store group).
    #[graphql(name = "availableStores")]
    async fn available_stores(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "useCurrentGroup")] use_current_group: Option<bool>,
    ) -> Option<Vec<Option<StoreConfig>>> {
        let r = request(ctx);
        let views = storefront::available_stores(
            &r.state,
            r.store.store_id,
            use_current_group.unwrap_or(false),
        );
        Some(
            views
                .iter()
                .map(|v| Some(StoreConfig::from_view(&r.state, v)))
                .collect(),
        )
    }

    /// The store's currency (one currency: its rate to itself is 1).
    async fn currency(&self, ctx: &Context<'_>) -> Option<Currency> {
        Some(Currency::of(&request(ctx).state.settings.store_currency))
    }

    /// reCAPTCHA v3 settings for storefront forms: never configured here.
    #[graphql(name = "recaptchaV3Config")]
    async fn recaptcha_v3_config(&self) -> Option<ReCaptchaConfigurationV3> {
        Some(ReCaptchaConfigurationV3::not_configured())
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
