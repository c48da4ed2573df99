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
    async fn customer_group(&self, ctx: &Context<'_>) -> GqlResult<CustomerGroup> {
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

    /// Every customer group, NOT LOGGED IN included (CustomerGraphQl's `AllCustomerGroups`),
    /// unless `customer/account_information/graphql_share_all_customer_groups` is off.
    #[graphql(name = "allCustomerGroups")]
    async fn all_customer_groups(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<Vec<CustomerGroup>>> {
        let r = request(ctx);
        let values = customer_core::scopes::StoreConfigValues::of(&r.state, r.store.store_id);
        if values
            .get("customer/account_information/graphql_share_all_customer_groups")
            .as_deref()
            != Some("1")
        {
            return Err(input_error(
                "Sharing customer group information is disabled or not configured.",
            ));
        }
        let groups = customer_core::accounts::groups::all_groups(&r.state)
            .await
            .map_err(from_app)?;
        Ok(Some(
            groups
                .into_iter()
                .map(|(id, code)| CustomerGroup {
                    uid: uid_of(id),
                    name: Some(code),
                })
                .collect(),
        ))
    }

    /// The attributes of a form (EavGraphQl's `AttributesForm`): the visible ones of the
    /// customer form of that code, else of the address form; an unknown form is an error in
    /// the answer, not a failed query.
    #[graphql(name = "attributesForm")]
    async fn attributes_form(
        &self,
        #[graphql(name = "formCode")] form_code: String,
    ) -> GqlResult<AttributesFormOutput> {
        use customer_core::domain::attributes::{Attribute, Entity};
        if form_code.is_empty() {
            return Err(input_error(
                "Required parameter \"formCode\" of type string.",
            ));
        }
        let in_form = |a: &&Attribute| a.forms.contains(&form_code.as_str());
        let found = [Entity::Customer, Entity::Address]
            .into_iter()
            .filter(|_| !form_code.starts_with("adminhtml_"))
            .find(|entity| entity.attributes().iter().any(|a| in_form(&a)));
        let Some(entity) = found else {
            return Ok(AttributesFormOutput {
                items: Vec::new(),
                errors: vec![AttributeMetadataError {
                    kind: AttributeMetadataErrorType::EntityNotFound,
                    message: format!("Form \"{form_code}\" could not be found."),
                }],
            });
        };
        // In attribute (install) order, as Magento's repository returns them.
        let items = entity
            .attributes()
            .iter()
            .filter(|a| a.visible && in_form(a))
            .map(|a| {
                CustomAttributeMetadataInterface::CustomerAttributeMetadata(
                    CustomerAttributeMetadata::of(entity, a),
                )
            })
            .collect();
        Ok(AttributesFormOutput {
            items,
            errors: Vec::new(),
        })
    }

    /// The user-defined attributes of an entity (EavGraphQl's `AttributesList`: the visible
    /// attributes that are not `static`). Every customer and address attribute here is a
    /// system (static) one, so the list is empty; each filter given is a catalog property
    /// that no customer attribute has.
    #[graphql(name = "attributesList")]
    async fn attributes_list(
        &self,
        #[graphql(name = "entityType")] entity_type: AttributeEntityTypeEnum,
        filters: Option<AttributeFilterInput>,
    ) -> GqlResult<Option<AttributesMetadataOutput>> {
        let entity = entity_type.entity().code();
        let errors = filters
            .unwrap_or_default()
            .given()
            .into_iter()
            .map(|filter| AttributeMetadataError {
                kind: AttributeMetadataErrorType::FilterNotFound,
                message: format!(
                    "Cannot filter by \"{filter}\" as that field does not belong to \"{entity}\"."
                ),
            })
            .collect();
        Ok(Some(AttributesMetadataOutput {
            items: Vec::new(),
            errors,
        }))
    }

    /// Metadata of the attributes named (EavGraphQl's `AttributesMetadata`); an unknown entity
    /// or code is an error in the answer; an invisible attribute is left out.
    #[graphql(name = "customAttributeMetadataV2")]
    async fn custom_attribute_metadata_v2(
        &self,
        attributes: Option<Vec<AttributeInput>>,
    ) -> GqlResult<AttributesMetadataOutput> {
        use customer_core::domain::attributes::Entity;
        let attributes = attributes.unwrap_or_default();
        if attributes.is_empty() {
            return Err(input_error(
                "Required parameters \"attribute_code\" and \"entity_type\" of type String.",
            ));
        }
        let mut items = Vec::new();
        let mut errors = Vec::new();
        for input in attributes {
            let Some(code) = input.attribute_code.filter(|c| !c.is_empty()) else {
                return Err(input_error(
                    "The attribute_code is required to retrieve the metadata",
                ));
            };
            let Some(entity_code) = input.entity_type.filter(|c| !c.is_empty()) else {
                return Err(input_error(
                    "The entity_type is required to retrieve the metadata",
                ));
            };
            let entity = match entity_code.to_ascii_lowercase().as_str() {
                "customer" => Entity::Customer,
                "customer_address" => Entity::Address,
                _ => {
                    errors.push(AttributeMetadataError {
                        kind: AttributeMetadataErrorType::EntityNotFound,
                        message: format!("Entity \"{entity_code}\" could not be found."),
                    });
                    continue;
                }
            };
            match entity.attribute(&code) {
                None => errors.push(AttributeMetadataError {
                    kind: AttributeMetadataErrorType::AttributeNotFound,
                    message: format!("Attribute code \"{code}\" could not be found."),
                }),
                Some(a) if !a.visible => {}
                Some(a) => items.push(CustomAttributeMetadataInterface::CustomerAttributeMetadata(
                    CustomerAttributeMetadata::of(entity, a),
                )),
            }
        }
        Ok(AttributesMetadataOutput { items, errors })
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
    async fn store_config(&self, ctx: &Context<'_>) -> GqlResult<Option<StoreConfig>> {
        let r = request(ctx);
        storefront::store_view(&r.state, r.store.store_id)
            .map(|v| Some(StoreConfig::from_view(&r.state, &v)))
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

    /// One form's reCAPTCHA (ReCaptchaFormConfig): no form has one here, so it is disabled
    /// and has no configuration, as Magento answers for a form without reCAPTCHA.
    #[graphql(name = "recaptchaFormConfig")]
    async fn recaptcha_form_config(
        &self,
        #[graphql(name = "formType")] _form_type: ReCaptchaFormEnum,
    ) -> Option<ReCaptchaConfigOutput> {
        Some(ReCaptchaConfigOutput {
            is_enabled: false,
            configurations: None,
        })
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
