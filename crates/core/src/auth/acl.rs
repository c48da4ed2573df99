//! Magento's ACL resources for the back-office routes (Customer/etc/acl.xml, Backend), as
//! names and as types (`Authorized<R>` in `caller` checks a caller against one).

pub const CUSTOMER: &str = "Magento_Customer::customer";
pub const MANAGE: &str = "Magento_Customer::manage";
pub const DELETE: &str = "Magento_Customer::delete";
pub const GROUP: &str = "Magento_Customer::group";
pub const STORES: &str = "Magento_Backend::store";
/// LoginAsCustomerAssistance: an admin or integration may set a customer's consent to remote
/// shopping assistance only with this resource (otherwise the value sent is ignored).
pub const ALLOW_SHOPPING_ASSISTANCE: &str = "Magento_LoginAsCustomer::allow_shopping_assistance";

/// What every admin user holds (this service serves only customer and store data).
pub const ADMIN_RESOURCES: &[&str] = &[
    CUSTOMER,
    MANAGE,
    DELETE,
    GROUP,
    STORES,
    ALLOW_SHOPPING_ASSISTANCE,
];

/// What an integration gets when its creator names no resource.
pub const DEFAULT_INTEGRATION_RESOURCES: &[&str] = &[CUSTOMER, MANAGE, DELETE];

/// Every resource an integration may be granted.
pub const KNOWN_RESOURCES: &[&str] = ADMIN_RESOURCES;

/// A route's ACL resource, as a type.
pub trait Resource {
    const NAME: &'static str;
}

macro_rules! resource {
    ($(#[$doc:meta])* $name:ident = $value:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl Resource for $name {
            const NAME: &'static str = $value;
        }
    };
}

resource!(/// `Magento_Customer::customer`: read customers.
    CustomerRead = CUSTOMER);
resource!(/// `Magento_Customer::manage`: change customers and addresses.
    CustomerManage = MANAGE);
resource!(/// `Magento_Customer::delete`: delete customers.
    CustomerDelete = DELETE);
resource!(/// `Magento_Customer::group`: read and change customer groups.
    CustomerGroups = GROUP);
resource!(/// `Magento_Backend::store`: read the store configuration.
    StoresRead = STORES);
