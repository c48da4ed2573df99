//! A customer group as a request gives it (`GroupInterface`), and its code as Magento stores it.

use crate::error::{AppError, Phrase};

/// `Group::GROUP_CODE_MAX_LENGTH`.
pub const GROUP_CODE_MAX_LENGTH: usize = 32;

/// `GroupManagement::NOT_LOGGED_IN_ID`.
pub const NOT_LOGGED_IN_ID: i32 = 0;

/// `GroupRepository::DEFAULT_TAX_CLASS_ID` (Retail Customer).
pub const DEFAULT_TAX_CLASS_ID: i64 = 3;

/// The fields of `GroupInterface` a save reads (`tax_class_name` is output only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupInput {
    pub id: Option<i64>,
    pub code: Option<String>,
    pub tax_class_id: Option<i64>,
}

/// A group code that passed `GroupRepository::_validate` (laminas `NotEmpty`: not empty and
/// not only whitespace), cut to 32 characters as `Group::_prepareData` cuts it before saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCode(String);

impl GroupCode {
    pub fn parse(code: Option<&str>) -> Result<Self, AppError> {
        match code {
            Some(c) if !c.trim().is_empty() => {
                Ok(Self(c.chars().take(GROUP_CODE_MAX_LENGTH).collect()))
            }
            _ => Err(AppError::Input(Phrase::required("code"))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_codes_are_required_and_long_ones_cut_by_character() {
        for bad in [None, Some(""), Some("  \t")] {
            assert!(GroupCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(GroupCode::parse(Some("0")).unwrap().as_str(), "0");
        let long = "ö".repeat(40);
        assert_eq!(
            GroupCode::parse(Some(&long)).unwrap().as_str(),
            "ö".repeat(32)
        );
    }
}
