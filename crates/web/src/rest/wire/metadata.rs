//! `Customer\Api\Data\AttributeMetadataInterface` (with `OptionInterface` and
//! `ValidationRuleInterface`) as Magento's REST renders them: `AttributeMetadataConverter`
//! fills the object, the output processor writes its getters in snake_case and leaves out the
//! null values its interface allows (an option's `value` and `options`).

use customer_core::accounts::Scopes;
use customer_core::directory;
use customer_core::domain::attributes::{Attribute, GENDER_OPTIONS, Source};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct OptionResponse {
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionResponse>>,
}

fn option(label: impl Into<String>, value: impl ToString) -> OptionResponse {
    OptionResponse {
        label: label.into(),
        value: Some(value.to_string()),
        options: None,
    }
}

#[derive(Debug, Serialize)]
pub struct ValidationRuleResponse {
    pub name: &'static str,
    pub value: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AttributeMetadataResponse {
    pub attribute_code: &'static str,
    pub frontend_input: &'static str,
    pub input_filter: &'static str,
    pub store_label: &'static str,
    pub validation_rules: Vec<ValidationRuleResponse>,
    pub multiline_count: i32,
    pub visible: bool,
    pub required: bool,
    pub data_model: &'static str,
    pub options: Vec<OptionResponse>,
    pub frontend_class: String,
    pub user_defined: bool,
    pub sort_order: i32,
    pub frontend_label: &'static str,
    pub note: &'static str,
    pub system: bool,
    pub backend_type: &'static str,
    pub is_used_in_grid: bool,
    pub is_visible_in_grid: bool,
    pub is_filterable_in_grid: bool,
    pub is_searchable_in_grid: bool,
}

/// What the option sources read from storage: the customer groups other than NOT LOGGED IN.
pub struct OptionData<'a> {
    pub scopes: &'a Scopes,
    pub groups: &'a [(i32, String)],
}

/// Four non-breaking spaces: `System\Store::getStoreValuesForForm` indents groups and views.
const INDENT: &str = "\u{a0}\u{a0}\u{a0}\u{a0}";

fn options(source: Source, data: &OptionData<'_>) -> Vec<OptionResponse> {
    let websites = data.scopes.websites.iter().filter(|w| w.website_id != 0);
    match source {
        Source::None => Vec::new(),
        // `Table::getAllOptions()` starts with the empty option.
        Source::Gender => std::iter::once(option(" ", ""))
            .chain(GENDER_OPTIONS.iter().map(|(l, v)| option(*l, v)))
            .collect(),
        Source::Website => websites
            .map(|w| option(w.name.clone(), w.website_id))
            .collect(),
        Source::Store => {
            let mut out = Vec::new();
            for w in websites {
                let mut shown = false;
                for g in data
                    .scopes
                    .groups
                    .iter()
                    .filter(|g| g.website_id == w.website_id)
                {
                    let views: Vec<OptionResponse> = data
                        .scopes
                        .stores
                        .iter()
                        .filter(|s| s.group_id == g.group_id && s.store_id != 0)
                        .map(|s| option(format!("{INDENT}{}", s.name), s.store_id))
                        .collect();
                    if views.is_empty() {
                        continue;
                    }
                    if !shown {
                        out.push(OptionResponse {
                            label: w.name.clone(),
                            value: None,
                            options: Some(Vec::new()),
                        });
                        shown = true;
                    }
                    out.push(OptionResponse {
                        label: format!("{INDENT}{}", g.name),
                        value: None,
                        options: Some(views),
                    });
                }
            }
            out
        }
        Source::Group => data
            .groups
            .iter()
            .map(|(id, code)| option(code.clone(), id))
            .collect(),
        // The country collection's `toOptionArray()`: an empty first option, then by name.
        Source::Country => {
            let mut list: Vec<_> = directory::allowed_countries().collect();
            list.sort_by_key(|c| c.name.to_lowercase());
            std::iter::once(option(" ", ""))
                .chain(list.into_iter().map(|c| option(c.name, c.id)))
                .collect()
        }
        // The region collection's `toOptionArray()`: a prompt without a value, then every
        // region by name.
        Source::Region => {
            let mut list: Vec<_> = directory::all_regions().collect();
            list.sort_by_key(|r| r.name.to_lowercase());
            let mut out = vec![OptionResponse {
                label: "Please select a region, state or province.".into(),
                value: None,
                options: None,
            }];
            out.extend(list.into_iter().map(|r| option(r.name, r.id)));
            out
        }
    }
}

impl AttributeMetadataResponse {
    pub fn new(a: &'static Attribute, data: &OptionData<'_>) -> Self {
        Self {
            attribute_code: a.code,
            frontend_input: a.input,
            input_filter: a.input_filter,
            store_label: a.label,
            validation_rules: a
                .rules
                .iter()
                .map(|(name, value)| ValidationRuleResponse { name, value })
                .collect(),
            multiline_count: a.multiline_count,
            visible: a.visible,
            required: a.required,
            data_model: a.data_model,
            options: options(a.source, data),
            frontend_class: a.frontend_class(),
            user_defined: false,
            sort_order: a.sort_order,
            frontend_label: a.label,
            note: "",
            system: a.system,
            backend_type: "static",
            is_used_in_grid: a.grid[0],
            is_visible_in_grid: a.grid[1],
            is_filterable_in_grid: a.grid[2],
            is_searchable_in_grid: a.grid[3],
        }
    }
}
