//! NewsletterGraphQl's types.

use async_graphql::{Enum, SimpleObject};

/// NewsletterGraphQl's statuses (Magento_Newsletter's subscriber_status 1..4).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum SubscriptionStatusesEnum {
    NotActive,
    Subscribed,
    Unsubscribed,
    Unconfirmed,
}

impl From<customer_core::accounts::newsletter::SubscriptionStatus> for SubscriptionStatusesEnum {
    fn from(s: customer_core::accounts::newsletter::SubscriptionStatus) -> Self {
        use customer_core::accounts::newsletter::SubscriptionStatus as S;
        match s {
            S::Subscribed => Self::Subscribed,
            S::NotActive => Self::NotActive,
            S::Unsubscribed => Self::Unsubscribed,
            S::Unconfirmed => Self::Unconfirmed,
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct SubscribeEmailToNewsletterOutput {
    pub status: Option<SubscriptionStatusesEnum>,
}
