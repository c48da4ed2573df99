//! Types that can only be built valid, with Magento's rules and messages. Database code takes
//! these types only; wire code builds their unvalidated `*Input` forms.

pub mod address;
pub mod attributes;
pub mod customer;
pub mod email;
pub mod group;
pub mod names;
pub mod password;
pub mod search;
pub mod time;
pub mod token;
