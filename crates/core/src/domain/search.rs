//! A customer search as Magento's `SearchCriteriaInterface` describes it: filter groups
//! (AND-ed) of filters (OR-ed), sort orders and paging. The REST wire parses the query string
//! into it (`rest::wire::search`); the database layer reads it (`db::search`).

/// One condition as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub value: Option<String>,
    pub condition_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortOrder {
    pub field: String,
    pub direction: Option<Direction>,
}

/// A parsed `searchCriteria`: groups are AND-ed, the filters inside one group OR-ed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchCriteria {
    pub filter_groups: Vec<Vec<Filter>>,
    pub sort_orders: Option<Vec<SortOrder>>,
    pub page_size: Option<i64>,
    pub current_page: Option<i64>,
}
