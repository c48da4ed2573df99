//! Custom attribute values (EavGraphQl's `AttributeValueInterface` and the input side).

use async_graphql::{InputObject, Interface, SimpleObject};

#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressAttribute {
    pub attribute_code: Option<String>,
    pub value: Option<String>,
}

/// EavGraphQl's attribute value with a plain value.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributeValue {
    pub uid: async_graphql::ID,
    pub code: async_graphql::ID,
    pub value: String,
}

/// EavGraphQl's selected option of a select or multiselect attribute.
#[derive(SimpleObject, Clone, Debug)]
pub struct AttributeSelectedOption {
    pub uid: async_graphql::ID,
    pub label: String,
    pub value: String,
}

#[expect(
    clippy::duplicated_attributes,
    reason = "two interface fields of the same type read as duplicates to clippy"
)]
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(name = "uid", ty = "&async_graphql::ID"),
    field(name = "label", ty = "&String"),
    field(name = "value", ty = "&String")
)]
pub enum AttributeSelectedOptionInterface {
    AttributeSelectedOption(AttributeSelectedOption),
}

/// EavGraphQl's attribute value of a select or multiselect attribute.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeSelectedOptions {
    pub uid: async_graphql::ID,
    pub code: async_graphql::ID,
    pub selected_options: Vec<AttributeSelectedOptionInterface>,
}

/// EavGraphQl's `AttributeValueInterface`: what `custom_attributes` lists.
#[expect(
    clippy::duplicated_attributes,
    reason = "two interface fields of the same type read as duplicates to clippy"
)]
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(name = "uid", ty = "&async_graphql::ID"),
    field(name = "code", ty = "&async_graphql::ID")
)]
pub enum AttributeValueInterface {
    AttributeValue(AttributeValue),
    AttributeSelectedOptions(AttributeSelectedOptions),
}

/// EavGraphQl's `AttributeInputSelectedOption`.
#[derive(InputObject, Clone, Debug)]
pub struct AttributeInputSelectedOption {
    pub uid: async_graphql::ID,
    pub value: String,
}

/// EavGraphQl's `AttributeValueInput`. No attribute here is user-defined, and Magento's data
/// objects drop custom attributes whose code is not an attribute of the entity: accepted and
/// ignored.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct AttributeValueInput {
    pub attribute_code: String,
    pub value: Option<String>,
    pub selected_options: Option<Vec<AttributeInputSelectedOption>>,
}

/// CustomerGraphQl's deprecated `CustomerAddressAttributeInput`.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerAddressAttributeInput {
    pub attribute_code: String,
    pub value: String,
}
