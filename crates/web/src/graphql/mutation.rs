//! Magento's customer GraphQL mutations: each maps its input to the domain, calls one
//! `accounts` function and renders the result.

use super::context::{
    GqlResult, RequestContext, address_access, address_access_v2, address_error, check_gender,
    check_required, customer_of, error, from_app, input_error, request, throttle, website_of,
};
use super::types::*;
use async_graphql::{Context, Object};
use customer_core::accounts::profile::OwnProfileChange;
use customer_core::accounts::{
    EntityId, addresses, newsletter, password, profile, registration, sign_in,
};
use customer_core::auth::Caller;
use customer_core::domain::{customer::CustomerInput as DomainCustomer, email::Email};
use customer_core::error::AppError;
use customer_core::ratelimit::Limit;

pub struct MutationRoot;

async fn create(ctx: &Context<'_>, input: CustomerInput) -> GqlResult<Option<CustomerOutput>> {
    let r = request(ctx);
    if !matches!(r.caller, Caller::Admin { .. } | Caller::Integration { .. }) {
        throttle(r, Limit::SignUp)?;
    }
    if input.firstname.is_none()
        && input.lastname.is_none()
        && input.email.is_none()
        && input.password.is_none()
    {
        return Err(input_error("\"input\" value should be specified"));
    }
    check_required(
        input.firstname.as_deref(),
        input.lastname.as_deref(),
        input.email.as_deref(),
    )?;
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
    let account = registration::create_account(&r.state, &r.caller, customer, password, None, None)
        .await
        .map_err(from_app)?;
    Ok(Some(CustomerOutput {
        customer: Customer::from_account(&account, r.state.settings.confirmation_required),
    }))
}

/// Changes the signed-in customer's own profile (Magento's partial update), in one
/// transaction.
async fn update(
    r: &RequestContext,
    customer_id: i32,
    change: OwnProfileChange,
) -> GqlResult<Customer> {
    let account = profile::update_own_profile(&r.state, customer_id, change)
        .await
        .map_err(from_app)?;
    Ok(Customer::from_account(
        &account,
        r.state.settings.confirmation_required,
    ))
}

/// Changes one of the customer's addresses; `refused` words a refusal as the calling mutation.
async fn change_address(
    r: &RequestContext,
    customer_id: i32,
    address_id: i32,
    input: &CustomerAddressInput,
    refused: impl FnOnce(customer_core::accounts::AddressAccess) -> async_graphql::Error,
) -> GqlResult<Option<CustomerAddress>> {
    check_region(input)?;
    let saved = addresses::update_own_address(&r.state, customer_id, address_id, input.to_domain())
        .await
        .map_err(|e| address_error(e, refused))?;
    Ok(Some(CustomerAddress::from_row(
        &saved.address,
        &saved.customer,
    )))
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
        throttle(request(ctx), Limit::SignIn)?;
        if email.trim().is_empty() {
            return Err(input_error("Specify the \"email\" value."));
        }
        if password.trim().is_empty() {
            return Err(input_error("Specify the \"password\" value."));
        }
        let r = request(ctx);
        let token = sign_in::sign_in_customer(&r.state, website_of(r), email, password)
            .await
            .map_err(from_app)?;
        Ok(Some(CustomerToken { token: Some(token) }))
    }

    /// Signs out the token that makes the call (not every device, unlike Magento).
    #[graphql(name = "revokeCustomerToken")]
    async fn revoke_customer_token(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<RevokeCustomerTokenOutput>> {
        let owner = customer_of(ctx)?;
        sign_in::revoke_token(&request(ctx).state, owner.token_id)
            .await
            .map_err(from_app)?;
        Ok(Some(RevokeCustomerTokenOutput { result: true }))
    }

    /// Updates the signed-in customer (Magento's first version, still sent by storefronts): what
    /// is sent changes, and a changed e-mail needs the current password.
    #[graphql(
        name = "updateCustomer",
        deprecation = "Use `updateCustomerV2` instead."
    )]
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        input: CustomerInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        let owner = customer_of(ctx)?;
        let mut input = input;
        let password = input.password.take();
        if input.is_empty() && password.is_none() {
            return Err(input_error("\"input\" value should be specified"));
        }
        check_required(
            input.firstname.as_deref(),
            input.lastname.as_deref(),
            input.email.as_deref(),
        )?;
        check_gender(input.gender)?;
        let change = OwnProfileChange::Merge {
            given: input.into_domain(),
            current_password: password,
        };
        let customer = update(request(ctx), owner.customer_id, change).await?;
        Ok(Some(CustomerOutput { customer }))
    }

    /// Updates the signed-in customer's attributes (what is sent changes).
    #[graphql(name = "updateCustomerV2")]
    async fn update_customer_v2(
        &self,
        ctx: &Context<'_>,
        input: CustomerUpdateInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        let owner = customer_of(ctx)?;
        check_required(input.firstname.as_deref(), input.lastname.as_deref(), None)?;
        check_gender(input.gender)?;
        let change = OwnProfileChange::Merge {
            given: CustomerInput::from(input).into_domain(),
            current_password: None,
        };
        let customer = update(request(ctx), owner.customer_id, change).await?;
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
        let account = profile::change_email(&r.state, owner.customer_id, email, password)
            .await
            .map_err(from_app)?;
        let customer = Customer::from_account(&account, r.state.settings.confirmation_required);
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
        password::change_password(
            &r.state,
            owner.customer_id,
            Some(owner.token_id),
            current_password,
            new_password,
        )
        .await
        .map_err(|e| match e {
            AppError::Unauthorized(_) => {
                error("graphql-authentication", "Invalid login or password.")
            }
            other => from_app(other),
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
        let saved = addresses::add_own_address(&r.state, owner.customer_id, input.to_domain())
            .await
            .map_err(from_app)?;
        Ok(Some(CustomerAddress::from_row(
            &saved.address,
            &saved.customer,
        )))
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
        change_address(request(ctx), owner.customer_id, id, &input, |access| {
            address_access(access, id)
        })
        .await
    }

    /// Deletes one of the signed-in customer's addresses; a default address cannot be deleted.
    #[graphql(name = "deleteCustomerAddress")]
    async fn delete_customer_address(&self, ctx: &Context<'_>, id: i32) -> GqlResult<Option<bool>> {
        let owner = customer_of(ctx)?;
        addresses::delete_own_address(&request(ctx).state, owner.customer_id, id)
            .await
            .map_err(|e| address_error(e, |access| address_access(access, id)))?;
        Ok(Some(true))
    }

    /// Mails a password-reset link (same limits and privacy as REST).
    #[graphql(name = "requestPasswordResetEmail")]
    async fn request_password_reset_email(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> GqlResult<Option<bool>> {
        throttle(request(ctx), Limit::PasswordReset)?;
        if email.is_empty() {
            return Err(input_error("You must specify an email address."));
        }
        if Email::parse(&email).is_err() {
            return Err(input_error("The email address has an invalid format."));
        }
        let r = request(ctx);
        password::request_password_reset(
            &r.state,
            email,
            password::RESET_TEMPLATES[1].to_owned(),
            website_of(r),
            r.ip.clone(),
        )
        .await
        .map(Some)
        .map_err(from_app)
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
        password::reset_password(
            &r.state,
            email,
            reset_password_token,
            new_password,
            website_of(r),
        )
        .await
        .map_err(from_app)?;
        Ok(Some(true))
    }

    /// Deletes the signed-in customer's account (its addresses and tokens go with it).
    #[graphql(name = "deleteCustomer")]
    async fn delete_customer(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        let owner = customer_of(ctx)?;
        let r = request(ctx);
        // Magento loads the customer first: a locked account is refused.
        load_customer(r, owner.customer_id).await?;
        profile::delete_customer(&r.state, EntityId::from(owner.customer_id))
            .await
            .map_err(from_app)?;
        Ok(Some(true))
    }

    /// Confirms an account with the mailed key.
    #[graphql(name = "confirmEmail")]
    async fn confirm_email(
        &self,
        ctx: &Context<'_>,
        input: ConfirmEmailInput,
    ) -> GqlResult<Option<CustomerOutput>> {
        if Email::parse(&input.email).is_err() {
            return Err(input_error("Email is invalid"));
        }
        let r = request(ctx);
        let account = registration::activate_by_email(
            &r.state,
            website_of(r),
            &input.email,
            input.confirmation_key,
        )
        .await
        .map_err(|e| match e {
            AppError::Input(p) | AppError::AlreadyExists(p) => input_error(p.render()),
            other => from_app(other),
        })?;
        Ok(Some(CustomerOutput {
            customer: Customer::from_account(&account, r.state.settings.confirmation_required),
        }))
    }

    /// Mails a new confirmation link.
    #[graphql(name = "resendConfirmationEmail")]
    async fn resend_confirmation_email(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> GqlResult<Option<bool>> {
        if Email::parse(&email).is_err() {
            return Err(input_error("Email address is not valid"));
        }
        let r = request(ctx);
        let sent = registration::resend_confirmation(&r.state, email, website_of(r), None)
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => {
                    input_error("There is no user registered with that email address.")
                }
                AppError::Input(p) => input_error(p.render()),
                other => from_app(other),
            })?;
        if !sent {
            return Err(input_error(
                "There was an error when sending the confirmation email",
            ));
        }
        Ok(Some(true))
    }

    /// Changes one of the signed-in customer's addresses, named by its uid.
    #[graphql(name = "updateCustomerAddressV2")]
    async fn update_customer_address_v2(
        &self,
        ctx: &Context<'_>,
        uid: async_graphql::ID,
        input: Option<CustomerAddressInput>,
    ) -> GqlResult<Option<CustomerAddress>> {
        let owner = customer_of(ctx)?;
        if uid.is_empty() {
            return Err(input_error("Address \"uid\" value must be specified"));
        }
        let Some(input) = input.filter(|i| !i.is_empty()) else {
            return Err(input_error("\"input\" value must be specified"));
        };
        let id = address_id_of_uid(&uid)?;
        change_address(
            request(ctx),
            owner.customer_id,
            id,
            &input,
            address_access_v2,
        )
        .await
    }

    /// Deletes one of the signed-in customer's addresses, named by its uid; a default address
    /// cannot be deleted.
    #[graphql(name = "deleteCustomerAddressV2")]
    async fn delete_customer_address_v2(
        &self,
        ctx: &Context<'_>,
        uid: async_graphql::ID,
    ) -> GqlResult<Option<bool>> {
        let owner = customer_of(ctx)?;
        if uid.is_empty() {
            return Err(input_error("Address \"uid\" value must be specified"));
        }
        let id = address_id_of_uid(&uid)?;
        addresses::delete_own_address(&request(ctx).state, owner.customer_id, id)
            .await
            .map_err(|e| address_error(e, address_access_v2))?;
        Ok(Some(true))
    }

    /// Subscribes an e-mail to the store's newsletter (a guest's, or the signed-in customer's).
    #[graphql(name = "subscribeEmailToNewsletter")]
    async fn subscribe_email_to_newsletter(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> GqlResult<Option<SubscribeEmailToNewsletterOutput>> {
        let r = request(ctx);
        // A token of another website counts as no customer, as Magento's context has it.
        let customer_id = customer_of(ctx).ok().map(|owner| owner.customer_id);
        let status = newsletter::subscribe_email(
            &r.state,
            customer_id,
            &email,
            r.store.store_id,
            website_of(r),
        )
        .await
        .map_err(from_app)?;
        Ok(Some(SubscribeEmailToNewsletterOutput {
            status: Some(status.into()),
        }))
    }
}
