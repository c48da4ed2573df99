//! Newsletter subscription by e-mail (Magento's `subscribeEmailToNewsletter`, NewsletterGraphQl
//! with Magento_Newsletter's defaults: guests may subscribe, no confirmation is needed, so a
//! new subscription is `SUBSCRIBED` at once).

use crate::accounts::{load_account, registration};
use crate::db::{self, newsletter};
use crate::domain::email::{Email, normalize};
use crate::error::{AppError, Phrase};
use crate::state::AppState;

/// Magento's `SubscriptionStatusesEnum` (subscriber_status 1..4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    Subscribed,
    NotActive,
    Unsubscribed,
    Unconfirmed,
}

fn cannot_subscribe() -> AppError {
    AppError::Input(Phrase::new("Cannot create a newsletter subscription."))
}

/// Subscribes `email` in the request's store. A signed-in customer giving their own e-mail
/// subscribes their account; any other e-mail is a guest subscription. Magento's checks, in
/// its order: a non-empty e-mail, a valid format, (for a customer) an e-mail not taken by
/// another account, not already subscribed.
pub async fn subscribe_email(
    state: &AppState,
    customer_id: Option<i32>,
    email: &str,
    store_id: i32,
    website_id: i32,
) -> Result<SubscriptionStatus, AppError> {
    let email = email.trim().to_owned();
    if email.is_empty() {
        return Err(AppError::Input(Phrase::new(
            "You must specify an email address to subscribe to a newsletter.",
        )));
    }
    if Email::parse(&email).is_err() {
        return Err(AppError::Input(Phrase::new("Enter a valid email address.")));
    }
    // Magento compares the customer's e-mail with `==`: exactly as stored.
    let own = match customer_id {
        Some(id) => {
            let account = load_account(state, id.into()).await?;
            let own = account.customer.email == email;
            if !own && !registration::is_email_available(state, &email, website_id).await? {
                return Err(cannot_subscribe());
            }
            own.then_some(id)
        }
        None => None,
    };
    let normalized = normalize(&email);
    let recorded = state
        .db
        .write(move |conn| {
            if newsletter::is_subscribed(conn, &normalized, website_id)? {
                return Ok::<_, AppError>(None);
            }
            match own {
                Some(id) => {
                    newsletter::subscribe_customer(conn, id)?;
                    Ok(Some(true))
                }
                None => Ok(Some(newsletter::subscribe_guest(
                    conn,
                    &newsletter::NewSubscriber {
                        website_id,
                        store_id,
                        email: &email,
                        email_normalized: &normalized,
                        status: newsletter::SUBSCRIBED,
                        created_at: db::now_seconds(),
                    },
                )?)),
            }
        })
        .await?;
    match recorded {
        Some(true) => Ok(SubscriptionStatus::Subscribed),
        // Subscribed before, or by a concurrent request just now.
        Some(false) | None => Err(AppError::AlreadyExists(Phrase::new(
            "This email address is already subscribed.",
        ))),
    }
}
