//! The EAV attributes Magento 2.4.8 installs for entity types `customer` and
//! `customer_address` (Customer `Setup/CustomerSetup::getDefaultEntities` and the data patches
//! `UpdateCustomerAttributesMetadata`, `UpdateIdentifierCustomerAttributesVisibility`,
//! `UpdateCustomerAttributeInputFilters`, `UpdateCustomerAddressAttributesSortOrder`,
//! `AddCustomerUpdatedAtAttribute`, `AddNonSpecifiedGenderAttributeOption`), limited to the
//! attributes this service stores. The forms are `customer_form_attribute` as
//! `CustomerSetup::installCustomerForms` fills it (less `checkout_register`, which
//! `RemoveCheckoutRegisterAndUpdateAttributes` deletes). Static data only: the option lists
//! that come from stored rows (websites, stores, groups) are built by the caller.

/// `customer` or `customer_address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Customer,
    Address,
}

impl Entity {
    /// The entity type code, as Magento names it in its messages.
    pub fn code(self) -> &'static str {
        match self {
            Entity::Customer => "customer",
            Entity::Address => "customer_address",
        }
    }

    pub fn attributes(self) -> &'static [Attribute] {
        match self {
            Entity::Customer => CUSTOMER,
            Entity::Address => ADDRESS,
        }
    }

    /// An attribute by its exact code (Magento's lookup is case-sensitive).
    pub fn attribute(self, code: &str) -> Option<&'static Attribute> {
        self.attributes().iter().find(|a| a.code == code)
    }

    /// The attributes a form shows, in sort order (`AttributeMetadataDataProvider::
    /// loadAttributesCollection` orders by `sort_order`).
    pub fn form(self, form_code: &str) -> Vec<&'static Attribute> {
        let mut list: Vec<&'static Attribute> = self
            .attributes()
            .iter()
            .filter(|a| a.forms.contains(&form_code))
            .collect();
        list.sort_by_key(|a| a.sort_order);
        list
    }
}

/// Where an attribute's options come from (its source model). An attribute without one whose
/// input is not a select (`disable_auto_group_change` is a `boolean`) has no options
/// (`AbstractAttribute::usesSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    None,
    /// `Eav\Model\Entity\Attribute\Source\Table` with the install options.
    Gender,
    /// `Customer\Model\Customer\Attribute\Source\Website`: the websites.
    Website,
    /// `Customer\Model\Customer\Attribute\Source\Store`: store views grouped by website.
    Store,
    /// `Customer\Model\Customer\Attribute\Source\Group`: the logged-in groups.
    Group,
    /// `Customer\Model\ResourceModel\Address\Attribute\Source\Country`: allowed countries.
    Country,
    /// `Customer\Model\ResourceModel\Address\Attribute\Source\Region`: every region.
    Region,
}

/// One attribute, with the columns of `eav_attribute` and `customer_eav_attribute` that
/// `AttributeMetadataConverter` reads. `sort_order` is `customer_eav_attribute.sort_order`,
/// which the Customer `PropertyMapper` fills from a definition's `position` (0 without one;
/// the definitions' own `sort_order` goes to the attribute set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    pub label: &'static str,
    pub input: &'static str,
    pub input_filter: &'static str,
    /// `validate_rules`, in the order of its stored JSON.
    pub rules: &'static [(&'static str, &'static str)],
    pub visible: bool,
    pub required: bool,
    pub multiline_count: i32,
    pub data_model: &'static str,
    pub sort_order: i32,
    pub system: bool,
    /// is_used_in_grid, is_visible_in_grid, is_filterable_in_grid, is_searchable_in_grid.
    pub grid: [bool; 4],
    pub source: Source,
    pub forms: &'static [&'static str],
}

impl Attribute {
    /// `AbstractFrontend::getClass`: the stored class (empty for all of these), then
    /// `required-entry`, then the class of an `input_validation` rule and its length classes.
    pub fn frontend_class(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        if self.required {
            out.push("required-entry".into());
        }
        let rule = |name: &str| self.rules.iter().find(|r| r.0 == name).map(|r| r.1);
        let input_class = match rule("input_validation") {
            Some("alphanumeric") => Some("validate-alphanum"),
            Some("alphanum-with-spaces") => Some("validate-alphanum-with-spaces"),
            Some("numeric") => Some("validate-digits"),
            Some("alpha") => Some("validate-alpha"),
            Some("email") => Some("validate-email"),
            Some("url") => Some("validate-url"),
            Some("length") => Some("validate-length"),
            _ => None,
        };
        if let Some(class) = input_class {
            out.push(class.into());
            let mut lengths = Vec::new();
            if let Some(min) = rule("min_text_length") {
                lengths.push(format!("minimum-length-{min}"));
            }
            if let Some(max) = rule("max_text_length") {
                lengths.push(format!("maximum-length-{max}"));
            }
            if !lengths.is_empty() {
                lengths.push("validate-length".into());
            }
            out.extend(lengths);
        }
        out.join(" ")
    }
}

/// The install options of `gender` (option ids 1, 2, 3).
pub const GENDER_OPTIONS: &[(&str, &str)] =
    &[("Male", "1"), ("Female", "2"), ("Not Specified", "3")];

const CUSTOMER_FORMS: &[&str] = &[
    "customer_account_create",
    "customer_account_edit",
    "adminhtml_customer",
];
const CUSTOMER_CHECKOUT_FORMS: &[&str] = &[
    "customer_account_create",
    "customer_account_edit",
    "adminhtml_customer",
    "adminhtml_checkout",
];
const ADMIN_FORMS: &[&str] = &["adminhtml_customer"];
const ADDRESS_FORMS: &[&str] = &[
    "adminhtml_customer_address",
    "customer_address_edit",
    "customer_register_address",
];
const NAME_RULES: &[(&str, &str)] = &[("max_text_length", "255"), ("min_text_length", "1")];
const NO_GRID: [bool; 4] = [false; 4];

const fn attr(code: &'static str, label: &'static str, input: &'static str) -> Attribute {
    Attribute {
        code,
        label,
        input,
        input_filter: "",
        rules: &[],
        visible: true,
        required: true,
        multiline_count: 0,
        data_model: "",
        sort_order: 0,
        system: true,
        grid: NO_GRID,
        source: Source::None,
        forms: &[],
    }
}

/// Customer attributes this service stores, in `eav_attribute` install order.
pub const CUSTOMER: &[Attribute] = &[
    Attribute {
        sort_order: 10,
        grid: [true, true, true, false],
        source: Source::Website,
        forms: ADMIN_FORMS,
        ..attr("website_id", "Associate to Website", "select")
    },
    Attribute {
        visible: false,
        source: Source::Store,
        ..attr("store_id", "Create In", "select")
    },
    Attribute {
        required: false,
        sort_order: 20,
        grid: [true, true, false, true],
        forms: ADMIN_FORMS,
        ..attr("created_in", "Created From", "text")
    },
    Attribute {
        required: false,
        sort_order: 30,
        visible: false,
        system: false,
        forms: CUSTOMER_FORMS,
        ..attr("prefix", "Name Prefix", "text")
    },
    Attribute {
        input_filter: "trim",
        sort_order: 40,
        rules: NAME_RULES,
        forms: CUSTOMER_FORMS,
        ..attr("firstname", "First Name", "text")
    },
    Attribute {
        input_filter: "trim",
        required: false,
        sort_order: 50,
        visible: false,
        system: false,
        forms: CUSTOMER_FORMS,
        ..attr("middlename", "Middle Name/Initial", "text")
    },
    Attribute {
        input_filter: "trim",
        sort_order: 60,
        rules: NAME_RULES,
        forms: CUSTOMER_FORMS,
        ..attr("lastname", "Last Name", "text")
    },
    Attribute {
        required: false,
        sort_order: 70,
        visible: false,
        system: false,
        forms: CUSTOMER_FORMS,
        ..attr("suffix", "Name Suffix", "text")
    },
    Attribute {
        sort_order: 80,
        rules: &[("input_validation", "email")],
        grid: [true, true, true, true],
        forms: CUSTOMER_CHECKOUT_FORMS,
        ..attr("email", "Email", "text")
    },
    Attribute {
        sort_order: 25,
        grid: [true, true, true, false],
        source: Source::Group,
        forms: &["adminhtml_customer", "adminhtml_checkout"],
        ..attr("group_id", "Group", "select")
    },
    Attribute {
        input_filter: "date",
        rules: &[("input_validation", "date")],
        required: false,
        sort_order: 90,
        visible: false,
        system: false,
        grid: [true, true, true, false],
        forms: CUSTOMER_CHECKOUT_FORMS,
        ..attr("dob", "Date of Birth", "date")
    },
    Attribute {
        required: false,
        visible: false,
        ..attr("default_billing", "Default Billing Address", "text")
    },
    Attribute {
        required: false,
        visible: false,
        ..attr("default_shipping", "Default Shipping Address", "text")
    },
    Attribute {
        required: false,
        sort_order: 100,
        visible: false,
        system: false,
        rules: &[("max_text_length", "255")],
        grid: [true, true, false, true],
        forms: CUSTOMER_CHECKOUT_FORMS,
        ..attr("taxvat", "Tax/VAT Number", "text")
    },
    Attribute {
        required: false,
        visible: false,
        grid: [true, true, true, false],
        ..attr("confirmation", "Is Confirmed", "text")
    },
    Attribute {
        required: false,
        visible: false,
        system: false,
        grid: [true, true, true, false],
        forms: CUSTOMER_FORMS,
        ..attr("created_at", "Created At", "date")
    },
    Attribute {
        required: false,
        sort_order: 110,
        visible: false,
        system: false,
        grid: [true, true, true, false],
        source: Source::Gender,
        forms: CUSTOMER_CHECKOUT_FORMS,
        ..attr("gender", "Gender", "select")
    },
    Attribute {
        required: false,
        sort_order: 28,
        forms: ADMIN_FORMS,
        ..attr(
            "disable_auto_group_change",
            "Disable Automatic Group Change Based on VAT ID",
            "boolean",
        )
    },
    Attribute {
        required: false,
        visible: false,
        system: false,
        ..attr("updated_at", "Updated At", "date")
    },
];

/// Address attributes this service stores, in `eav_attribute` install order.
pub const ADDRESS: &[Attribute] = &[
    Attribute {
        required: false,
        sort_order: 10,
        visible: false,
        system: false,
        forms: ADDRESS_FORMS,
        ..attr("prefix", "Name Prefix", "text")
    },
    Attribute {
        input_filter: "trim",
        sort_order: 20,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("firstname", "First Name", "text")
    },
    Attribute {
        input_filter: "trim",
        required: false,
        sort_order: 30,
        visible: false,
        system: false,
        forms: ADDRESS_FORMS,
        ..attr("middlename", "Middle Name/Initial", "text")
    },
    Attribute {
        input_filter: "trim",
        sort_order: 40,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("lastname", "Last Name", "text")
    },
    Attribute {
        required: false,
        sort_order: 50,
        visible: false,
        system: false,
        forms: ADDRESS_FORMS,
        ..attr("suffix", "Name Suffix", "text")
    },
    Attribute {
        required: false,
        sort_order: 60,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("company", "Company", "text")
    },
    Attribute {
        sort_order: 70,
        multiline_count: 2,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("street", "Street Address", "multiline")
    },
    Attribute {
        sort_order: 100,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("city", "City", "text")
    },
    Attribute {
        sort_order: 80,
        grid: [true, true, true, false],
        source: Source::Country,
        forms: ADDRESS_FORMS,
        ..attr("country_id", "Country", "select")
    },
    Attribute {
        required: false,
        sort_order: 90,
        grid: [true, true, false, true],
        forms: ADDRESS_FORMS,
        ..attr("region", "State/Province", "text")
    },
    Attribute {
        required: false,
        sort_order: 90,
        source: Source::Region,
        forms: ADDRESS_FORMS,
        ..attr("region_id", "State/Province", "hidden")
    },
    Attribute {
        required: false,
        sort_order: 110,
        data_model: "Magento\\Customer\\Model\\Attribute\\Data\\Postcode",
        grid: [true, true, true, true],
        forms: ADDRESS_FORMS,
        ..attr("postcode", "Zip/Postal Code", "text")
    },
    Attribute {
        sort_order: 120,
        rules: NAME_RULES,
        grid: [true, true, true, true],
        forms: ADDRESS_FORMS,
        ..attr("telephone", "Phone Number", "text")
    },
    Attribute {
        required: false,
        visible: false,
        system: false,
        sort_order: 130,
        rules: NAME_RULES,
        grid: [true, false, false, true],
        forms: ADDRESS_FORMS,
        ..attr("fax", "Fax", "text")
    },
    // Added by `DefaultCustomerGroupsAndAttributes` (label renamed by `UpdateVATNumber`).
    Attribute {
        required: false,
        sort_order: 140,
        forms: ADDRESS_FORMS,
        ..attr("vat_id", "VAT Number", "text")
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontend_classes_follow_abstract_frontend() {
        let c = |code| Entity::Customer.attribute(code).unwrap().frontend_class();
        assert_eq!(c("firstname"), "required-entry");
        assert_eq!(c("email"), "required-entry validate-email");
        assert_eq!(c("gender"), "");
        assert_eq!(c("dob"), "");
    }
}
