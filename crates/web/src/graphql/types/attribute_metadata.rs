//! EavGraphQl's attribute metadata for the customer and address attributes
//! (`attributesForm`, `attributesList`, `customAttributeMetadataV2`): CustomerGraphQl's
//! `CustomerAttributeMetadata` behind `CustomAttributeMetadataInterface`, and the errors those
//! queries answer as data.

use async_graphql::{Enum, InputObject, Interface, SimpleObject};
use customer_core::domain::attributes::{Attribute, Entity, GENDER_OPTIONS, Source};

/// The entity types this service keeps attributes of.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AttributeEntityTypeEnum {
    Customer,
    CustomerAddress,
}

impl AttributeEntityTypeEnum {
    pub fn entity(self) -> Entity {
        match self {
            Self::Customer => Entity::Customer,
            Self::CustomerAddress => Entity::Address,
        }
    }

    fn of(entity: Entity) -> Self {
        match entity {
            Entity::Customer => Self::Customer,
            Entity::Address => Self::CustomerAddress,
        }
    }
}

/// EavGraphQl's `AttributeFrontendInputEnum`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AttributeFrontendInputEnum {
    Boolean,
    Date,
    Datetime,
    File,
    Gallery,
    Hidden,
    Image,
    MediaImage,
    Multiline,
    Multiselect,
    Price,
    Select,
    Text,
    Textarea,
    Undefined,
    Weight,
}

impl AttributeFrontendInputEnum {
    /// `GetAttributeData`'s lookup of the stored `frontend_input`.
    fn of(input: &str) -> Self {
        match input {
            "boolean" => Self::Boolean,
            "date" => Self::Date,
            "datetime" => Self::Datetime,
            "file" => Self::File,
            "gallery" => Self::Gallery,
            "hidden" => Self::Hidden,
            "image" => Self::Image,
            "media_image" => Self::MediaImage,
            "multiline" => Self::Multiline,
            "multiselect" => Self::Multiselect,
            "price" => Self::Price,
            "select" => Self::Select,
            "text" => Self::Text,
            "textarea" => Self::Textarea,
            "weight" => Self::Weight,
            _ => Self::Undefined,
        }
    }
}

/// CustomerGraphQl's `InputFilterEnum`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InputFilterEnum {
    None,
    Date,
    Trim,
    Striptags,
    Escapehtml,
}

/// CustomerGraphQl's `ValidationRuleEnum`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValidationRuleEnum {
    DateRangeMax,
    DateRangeMin,
    FileExtensions,
    InputValidation,
    MaxTextLength,
    MinTextLength,
    MaxFileSize,
    MaxImageHeight,
    MaxImageWidth,
}

/// One `validate_rules` entry.
#[derive(SimpleObject, Clone, Debug)]
pub struct ValidationRule {
    pub name: Option<ValidationRuleEnum>,
    pub value: Option<String>,
}

/// EavGraphQl's option of a select attribute.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeOptionMetadata {
    pub label: String,
    pub value: String,
    pub is_default: bool,
}

#[expect(
    clippy::duplicated_attributes,
    reason = "two interface fields of the same type read as duplicates to clippy"
)]
#[derive(Interface, Clone, Debug)]
#[graphql(
    rename_fields = "snake_case",
    field(name = "label", ty = "&String"),
    field(name = "value", ty = "&String"),
    field(name = "is_default", ty = "&bool")
)]
pub enum CustomAttributeOptionInterface {
    AttributeOptionMetadata(AttributeOptionMetadata),
}

/// CustomerGraphQl's metadata of a customer or address attribute.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAttributeMetadata {
    pub code: async_graphql::ID,
    pub label: Option<String>,
    pub entity_type: AttributeEntityTypeEnum,
    pub frontend_input: Option<AttributeFrontendInputEnum>,
    pub frontend_class: Option<String>,
    pub is_required: bool,
    pub default_value: Option<String>,
    pub is_unique: bool,
    pub options: Vec<CustomAttributeOptionInterface>,
    pub input_filter: Option<InputFilterEnum>,
    pub multiline_count: Option<i32>,
    pub sort_order: Option<i32>,
    pub validate_rules: Option<Vec<Option<ValidationRule>>>,
}

#[expect(
    clippy::duplicated_attributes,
    reason = "interface fields of the same type read as duplicates to clippy"
)]
#[derive(Interface, Clone, Debug)]
#[graphql(
    rename_fields = "snake_case",
    field(name = "code", ty = "&async_graphql::ID"),
    field(name = "label", ty = "&Option<String>"),
    field(name = "entity_type", ty = "&AttributeEntityTypeEnum"),
    field(name = "frontend_input", ty = "&Option<AttributeFrontendInputEnum>"),
    field(name = "frontend_class", ty = "&Option<String>"),
    field(name = "is_required", ty = "&bool"),
    field(name = "default_value", ty = "&Option<String>"),
    field(name = "is_unique", ty = "&bool"),
    field(name = "options", ty = "&Vec<CustomAttributeOptionInterface>")
)]
pub enum CustomAttributeMetadataInterface {
    CustomerAttributeMetadata(CustomerAttributeMetadata),
}

impl CustomerAttributeMetadata {
    /// `GetAttributeData` and CustomerGraphQl's `CustomerAttributeMetadata` output.
    pub fn of(entity: Entity, a: &Attribute) -> Self {
        let options = match a.source {
            // Table source: the install options (country and region lists are skipped, as
            // Magento's `skipOptionsForAttributeCodes` does; the other sources belong to the
            // admin forms).
            Source::Gender => GENDER_OPTIONS
                .iter()
                .map(|(label, value)| {
                    CustomAttributeOptionInterface::AttributeOptionMetadata(
                        AttributeOptionMetadata {
                            label: (*label).to_owned(),
                            value: (*value).to_owned(),
                            is_default: false,
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        let input_filter = match a.input_filter {
            "" => InputFilterEnum::None,
            "date" => InputFilterEnum::Date,
            "trim" => InputFilterEnum::Trim,
            "striptags" => InputFilterEnum::Striptags,
            _ => InputFilterEnum::Escapehtml,
        };
        let rule = |name: &str| match name {
            "date_range_max" => Some(ValidationRuleEnum::DateRangeMax),
            "date_range_min" => Some(ValidationRuleEnum::DateRangeMin),
            "file_extensions" => Some(ValidationRuleEnum::FileExtensions),
            "input_validation" => Some(ValidationRuleEnum::InputValidation),
            "max_text_length" => Some(ValidationRuleEnum::MaxTextLength),
            "min_text_length" => Some(ValidationRuleEnum::MinTextLength),
            "max_file_size" => Some(ValidationRuleEnum::MaxFileSize),
            // Magento's map spells it MAX_IMAGE_HEGHT, which is no enum value: null.
            "max_image_height" => None,
            "max_image_width" => Some(ValidationRuleEnum::MaxImageWidth),
            _ => None,
        };
        Self {
            code: async_graphql::ID(a.code.to_owned()),
            label: Some(a.label.to_owned()),
            entity_type: AttributeEntityTypeEnum::of(entity),
            frontend_input: Some(AttributeFrontendInputEnum::of(a.input)),
            frontend_class: Some(a.frontend_class()),
            is_required: a.required,
            default_value: None,
            is_unique: false,
            options,
            input_filter: Some(input_filter),
            multiline_count: Some(a.multiline_count),
            sort_order: Some(a.sort_order),
            validate_rules: Some(
                a.rules
                    .iter()
                    .map(|(name, value)| {
                        Some(ValidationRule {
                            name: rule(name),
                            value: Some((*value).to_owned()),
                        })
                    })
                    .collect(),
            ),
        }
    }
}

/// EavGraphQl's `AttributeMetadataErrorType`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AttributeMetadataErrorType {
    EntityNotFound,
    AttributeNotFound,
    FilterNotFound,
    Undefined,
}

/// A failure `attributesForm` and its siblings answer as data.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributeMetadataError {
    #[graphql(name = "type")]
    pub kind: AttributeMetadataErrorType,
    pub message: String,
}

/// `attributesForm`'s answer.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributesFormOutput {
    pub items: Vec<CustomAttributeMetadataInterface>,
    pub errors: Vec<AttributeMetadataError>,
}

/// `attributesList`'s and `customAttributeMetadataV2`'s answer.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributesMetadataOutput {
    pub items: Vec<CustomAttributeMetadataInterface>,
    pub errors: Vec<AttributeMetadataError>,
}

/// One attribute asked for by `customAttributeMetadataV2`.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeInput {
    pub attribute_code: Option<String>,
    pub entity_type: Option<String>,
}

/// EavGraphQl's `attributesList` filters: all of them are catalog properties
/// (`catalog_eav_attribute`), none belongs to a customer or address attribute.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeFilterInput {
    pub is_comparable: Option<bool>,
    pub is_filterable: Option<bool>,
    pub is_filterable_in_search: Option<bool>,
    pub is_html_allowed_on_front: Option<bool>,
    pub is_searchable: Option<bool>,
    pub is_used_for_price_rules: Option<bool>,
    pub is_used_for_promo_rules: Option<bool>,
    pub is_visible_in_advanced_search: Option<bool>,
    pub is_visible_on_front: Option<bool>,
    pub is_wysiwyg_enabled: Option<bool>,
    pub used_in_product_listing: Option<bool>,
}

impl AttributeFilterInput {
    /// The names of the filters given, in the input's order.
    pub fn given(&self) -> Vec<&'static str> {
        [
            ("is_comparable", self.is_comparable),
            ("is_filterable", self.is_filterable),
            ("is_filterable_in_search", self.is_filterable_in_search),
            ("is_html_allowed_on_front", self.is_html_allowed_on_front),
            ("is_searchable", self.is_searchable),
            ("is_used_for_price_rules", self.is_used_for_price_rules),
            ("is_used_for_promo_rules", self.is_used_for_promo_rules),
            (
                "is_visible_in_advanced_search",
                self.is_visible_in_advanced_search,
            ),
            ("is_visible_on_front", self.is_visible_on_front),
            ("is_wysiwyg_enabled", self.is_wysiwyg_enabled),
            ("used_in_product_listing", self.used_in_product_listing),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(name, _)| name)
        .collect()
    }
}
