//! `GroupInterface` in and out.

use crate::rest::php::{each_field, to_int, to_object, to_string, top_level};
use customer_core::accounts::GroupRow;
use customer_core::domain::group::GroupInput;
use customer_core::error::{AppError, Phrase};
use serde::Serialize;
use serde_json::{Map, Value};

const GROUP_TYPE: &str = "Magento\\Customer\\Api\\Data\\GroupInterface";
const GROUP_EXTENSION_TYPE: &str = "Magento\\Customer\\Api\\Data\\GroupExtensionInterface";

/// The `group` service parameter (required), with Magento's key and type rules.
pub fn group_param(input: &Map<String, Value>) -> Result<GroupInput, AppError> {
    let value =
        top_level(input, "group").ok_or_else(|| AppError::Input(Phrase::required("group")))?;
    let mut group = GroupInput::default();
    each_field(to_object("group", value, GROUP_TYPE)?, |getter, k, v| {
        match getter {
            "Id" => group.id = Some(to_int(Some(k), v)?),
            "Code" => group.code = Some(to_string(Some(k), v)?),
            "TaxClassId" => group.tax_class_id = Some(to_int(Some(k), v)?),
            // Output only: read, type-checked and not stored, as in Magento.
            "TaxClassName" => {
                to_string(Some(k), v)?;
            }
            "ExtensionAttributes" => {
                each_field(to_object(k, v, GROUP_EXTENSION_TYPE)?, |_, _, _| Ok(false))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(group)
}

/// A group as Magento renders `GroupInterface` (getter order; no `tax_class_name` when the
/// tax class is unknown).
#[derive(Debug, Serialize)]
pub struct GroupResponse {
    pub id: i32,
    pub code: String,
    pub tax_class_id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_class_name: Option<String>,
}

impl From<GroupRow> for GroupResponse {
    fn from(g: GroupRow) -> Self {
        Self {
            id: g.id,
            code: g.code,
            tax_class_id: g.tax_class_id,
            tax_class_name: g.tax_class_name,
        }
    }
}
