//! Magento's `searchCriteria` in a GET query string (PHP bracket syntax:
//! `searchCriteria[filter_groups][0][filters][0][field]=email`), parsed with the same data-object
//! key rules as bodies (snake_case or camelCase: `filterGroups`, `conditionType`, `pageSize`)
//! into the domain's `SearchCriteria`, and echoed back in the results as Magento echoes it.

use crate::rest::php::{each_field, to_int, to_list, to_object, to_string, top_level};
use customer_core::domain::search::{Direction, Filter, SearchCriteria, SortOrder};
use customer_core::error::{AppError, Phrase};
use serde::Serialize;
use serde_json::{Map, Value, json};

const CRITERIA_TYPE: &str = "Magento\\Framework\\Api\\SearchCriteriaInterface";
const GROUP_TYPE: &str = "Magento\\Framework\\Api\\Search\\FilterGroup";
const FILTER_TYPE: &str = "Magento\\Framework\\Api\\Filter";
const SORT_TYPE: &str = "Magento\\Framework\\Api\\SortOrder";

fn parse_filter(key: &str, value: &Value) -> Result<Filter, AppError> {
    let mut f = Filter {
        field: String::new(),
        value: None,
        condition_type: None,
    };
    each_field(to_object(key, value, FILTER_TYPE)?, |getter, k, v| {
        match getter {
            "Field" => f.field = to_string(Some(k), v)?,
            "Value" => f.value = Some(to_string(Some(k), v)?),
            "ConditionType" => f.condition_type = Some(to_string(Some(k), v)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(f)
}

fn parse_sort(key: &str, value: &Value) -> Result<SortOrder, AppError> {
    let mut s = SortOrder {
        field: String::new(),
        direction: None,
    };
    each_field(to_object(key, value, SORT_TYPE)?, |getter, k, v| {
        match getter {
            "Field" => s.field = to_string(Some(k), v)?,
            "Direction" => {
                s.direction = Some(match to_string(Some(k), v)?.to_uppercase().as_str() {
                    "ASC" => Direction::Asc,
                    "DESC" => Direction::Desc,
                    _ => {
                        return Err(AppError::Input(Phrase::positional(
                            "The sort order has to be specified as %1 for ascending order or %2 for descending order.",
                            vec![json!("ASC"), json!("DESC")],
                        )));
                    }
                })
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    // Magento's SortOrder::validateField.
    if !s.field.is_empty()
        && !s
            .field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(AppError::Input(Phrase::positional(
            "Sort order field %1 contains restricted symbols",
            vec![json!(s.field)],
        )));
    }
    Ok(s)
}

/// Reads `searchCriteria` (or `search_criteria`) from the query parameters. It is required,
/// but an empty value (`searchCriteria=`) means "everything", as in Magento.
pub fn criteria_from_query(params: &Map<String, Value>) -> Result<SearchCriteria, AppError> {
    let value = top_level(params, "searchCriteria")
        .ok_or_else(|| AppError::Input(Phrase::required("searchCriteria")))?;
    let mut criteria = SearchCriteria::default();
    if matches!(value, Value::String(s) if s.is_empty()) {
        return Ok(criteria);
    }
    let map = to_object("searchCriteria", value, CRITERIA_TYPE)?;
    each_field(map, |getter, k, v| {
        match getter {
            "FilterGroups" => {
                for group in to_list(v).unwrap_or_default() {
                    let mut filters = Vec::new();
                    each_field(to_object(k, group, GROUP_TYPE)?, |getter, k, v| {
                        if getter != "Filters" {
                            return Ok(false);
                        }
                        for f in to_list(v).unwrap_or_default() {
                            filters.push(parse_filter(k, f)?);
                        }
                        Ok(true)
                    })?;
                    criteria.filter_groups.push(filters);
                }
            }
            "SortOrders" => {
                criteria.sort_orders = to_list(v)
                    .map(|list| {
                        list.into_iter()
                            .map(|s| parse_sort(k, s))
                            .collect::<Result<_, _>>()
                    })
                    .transpose()?
            }
            "PageSize" => criteria.page_size = Some(to_int(Some(k), v)?),
            "CurrentPage" => criteria.current_page = Some(to_int(Some(k), v)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(criteria)
}

/// The criteria as Magento echoes them in `search_criteria`.
pub fn echo(criteria: &SearchCriteria) -> CriteriaEcho {
    CriteriaEcho {
        filter_groups: criteria
            .filter_groups
            .iter()
            .map(|filters| GroupEcho {
                filters: filters
                    .iter()
                    .map(|f| FilterEcho {
                        field: f.field.clone(),
                        value: f.value.clone(),
                        condition_type: f.condition_type.clone(),
                    })
                    .collect(),
            })
            .collect(),
        sort_orders: criteria.sort_orders.as_ref().map(|list| {
            list.iter()
                .map(|s| SortEcho {
                    field: s.field.clone(),
                    direction: s.direction.map(|d| match d {
                        Direction::Asc => "ASC",
                        Direction::Desc => "DESC",
                    }),
                })
                .collect()
        }),
        page_size: criteria.page_size,
        current_page: criteria.current_page,
    }
}

#[derive(Debug, Serialize)]
pub struct CriteriaEcho {
    filter_groups: Vec<GroupEcho>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_orders: Option<Vec<SortEcho>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_page: Option<i64>,
}

#[derive(Debug, Serialize)]
struct GroupEcho {
    filters: Vec<FilterEcho>,
}

#[derive(Debug, Serialize)]
struct FilterEcho {
    field: String,
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition_type: Option<String>,
}

#[derive(Debug, Serialize)]
struct SortEcho {
    field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::query::parse_query;

    #[test]
    fn php_bracket_queries_nest() {
        let q = parse_query(
            "searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=a%40b.c&x[]=1&x[]=2&plain=a+b",
        ).unwrap();
        assert_eq!(
            q["searchCriteria"]["filter_groups"]["0"]["filters"]["0"]["field"],
            "email"
        );
        assert_eq!(
            q["searchCriteria"]["filterGroups"]["0"]["filters"]["0"]["value"],
            "a@b.c"
        );
        assert_eq!(q["x"], json!({"0": "1", "1": "2"}));
        assert_eq!(q["plain"], "a b");
        assert_eq!(parse_query("k=%E2%82%AC%zz%").unwrap()["k"], "€%zz%");
    }

    #[test]
    fn criteria_accept_both_spellings_and_check_sorting() {
        let q = parse_query(
            "searchCriteria[filterGroups][0][filters][0][field]=lastname&searchCriteria[filterGroups][0][filters][0][value]=Do%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like&searchCriteria[sort_orders][0][field]=email&searchCriteria[sort_orders][0][direction]=desc&searchCriteria[pageSize]=2&searchCriteria[current_page]=3",
        ).unwrap();
        let c = criteria_from_query(&q).unwrap();
        assert_eq!(c.filter_groups[0][0].value.as_deref(), Some("Do%"));
        assert_eq!(
            c.sort_orders.as_ref().unwrap()[0].direction,
            Some(Direction::Desc)
        );
        assert_eq!((c.page_size, c.current_page), (Some(2), Some(3)));
        let bad = parse_query(
            "searchCriteria[sortOrders][0][field]=email&searchCriteria[sortOrders][0][direction]=up",
        ).unwrap();
        assert!(criteria_from_query(&bad).is_err());
        let bad = parse_query("searchCriteria[sortOrders][0][field]=e;mail").unwrap();
        assert!(criteria_from_query(&bad).is_err());
        assert!(criteria_from_query(&parse_query("").unwrap()).is_err());
        assert_eq!(
            criteria_from_query(&parse_query("searchCriteria=").unwrap()).unwrap(),
            SearchCriteria::default()
        );
    }
}
