//! `GET /V1/customers/search` in SQL. Fields map to known columns only (an unknown field is a
//! 400, never SQL text); every value is a bound parameter. The SQL differs per backend in one
//! place, `Dialect`: placeholders, and how a case-insensitive comparison is written so that it
//! can use an index (MySQL, Magento's database, compares text case-insensitively).

use super::DbConnection;
use super::addresses::AddressRow;
use super::customers::{Account, CustomerRow};
use super::groups::GroupRow;
use super::schema::customer_addresses;
use crate::domain::search::{Direction, SearchCriteria};
use crate::error::{AppError, Phrase};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::json;

type Backend = <DbConnection as Connection>::Backend;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    /// Stored lower-cased (`email_normalized`).
    LowerText,
    Date,
}

/// The searchable fields: Magento's customer attributes and the joined default-billing address
/// fields (CustomerRepository::getList), with their columns.
fn column(field: &str) -> Option<(&'static str, Kind)> {
    Some(match field {
        "entity_id" => ("c.entity_id", Kind::Int),
        "website_id" => ("c.website_id", Kind::Int),
        "group_id" => ("c.group_id", Kind::Int),
        "store_id" => ("c.store_id", Kind::Int),
        "gender" => ("c.gender", Kind::Int),
        "disable_auto_group_change" => ("c.disable_auto_group_change", Kind::Int),
        "default_billing" => ("c.default_billing", Kind::Int),
        "default_shipping" => ("c.default_shipping", Kind::Int),
        "email" => ("c.email_normalized", Kind::LowerText),
        "firstname" => ("c.firstname", Kind::Text),
        "lastname" => ("c.lastname", Kind::Text),
        "middlename" => ("c.middlename", Kind::Text),
        "prefix" => ("c.prefix", Kind::Text),
        "suffix" => ("c.suffix", Kind::Text),
        "taxvat" => ("c.taxvat", Kind::Text),
        "created_in" => ("c.created_in", Kind::Text),
        "dob" => ("c.dob", Kind::Date),
        "created_at" => ("c.created_at", Kind::Date),
        "updated_at" => ("c.updated_at", Kind::Date),
        "billing_postcode" => ("b.postcode", Kind::Text),
        "billing_city" => ("b.city", Kind::Text),
        "billing_telephone" => ("b.telephone", Kind::Text),
        "billing_region" => ("b.region", Kind::Text),
        "billing_country_id" => ("b.country_id", Kind::Text),
        "billing_company" => ("b.company", Kind::Text),
        _ => return None,
    })
}

fn unknown_field(field: &str) -> AppError {
    AppError::Input(Phrase::positional(
        "Invalid attribute name: %1",
        vec![json!(field)],
    ))
}

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// Builds one backend's SQL and its bound values over one entity's searchable fields.
struct Dialect {
    postgres: bool,
    binds: Vec<Bind>,
    columns: fn(&str) -> Option<(&'static str, Kind)>,
}

impl Dialect {
    fn placeholder(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        if self.postgres {
            format!("${}", self.binds.len())
        } else {
            "?".into()
        }
    }

    /// A value of the column's kind (ints must be numeric: PostgreSQL would refuse the SQL).
    fn value(&mut self, field: &str, kind: Kind, raw: &str) -> Result<String, AppError> {
        Ok(match kind {
            Kind::Int => {
                let n = raw
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::Input(Phrase::invalid_field_value(field, raw)))?;
                self.placeholder(Bind::Int(n))
            }
            Kind::LowerText => self.placeholder(Bind::Text(raw.to_lowercase())),
            Kind::Text => self.placeholder(Bind::Text(raw.to_owned())),
            Kind::Date => {
                let p = self.placeholder(Bind::Text(raw.to_owned()));
                if self.postgres {
                    format!("CAST({p} AS TIMESTAMP)")
                } else {
                    p
                }
            }
        })
    }

    /// `column = value`, case-insensitively for text.
    fn equals(
        &mut self,
        field: &str,
        col: &str,
        kind: Kind,
        raw: &str,
        negate: bool,
    ) -> Result<String, AppError> {
        let op = if negate { "<>" } else { "=" };
        let v = self.value(field, kind, raw)?;
        Ok(match (kind, self.postgres) {
            (Kind::Text, true) => format!("lower({col}) {op} lower({v})"),
            (Kind::Text, false) => format!("{col} {op} {v} COLLATE NOCASE"),
            _ => format!("{col} {op} {v}"),
        })
    }

    /// `column LIKE pattern`, case-insensitively; written so the prefix indexes serve
    /// `'prefix%'` patterns (PostgreSQL: lower(col) text_pattern_ops; SQLite: NOCASE).
    fn like(&mut self, col: &str, kind: Kind, pattern: &str, negate: bool) -> String {
        let not = if negate { "NOT " } else { "" };
        let lowered = matches!(kind, Kind::LowerText);
        let p = self.placeholder(Bind::Text(if lowered {
            pattern.to_lowercase()
        } else {
            pattern.to_owned()
        }));
        match (self.postgres, lowered) {
            (true, true) => format!("{col} {not}LIKE {p}"),
            (true, false) if matches!(kind, Kind::Text) => {
                format!("lower({col}) {not}LIKE lower({p})")
            }
            (true, false) => format!("CAST({col} AS TEXT) {not}LIKE {p}"),
            // SQLite's LIKE is case-insensitive (ASCII) already.
            (false, _) => format!("{col} {not}LIKE {p}"),
        }
    }

    fn condition(
        &mut self,
        field: &str,
        condition: &str,
        raw: Option<&str>,
    ) -> Result<String, AppError> {
        let (col, kind) = (self.columns)(field).ok_or_else(|| unknown_field(field))?;
        let raw = raw.unwrap_or("");
        let compare = |d: &mut Self, op: &str| -> Result<String, AppError> {
            let v = d.value(field, kind, raw)?;
            Ok(format!("{col} {op} {v}"))
        };
        let list = |d: &mut Self, negate: bool| -> Result<String, AppError> {
            let items: Vec<String> = raw
                .split(',')
                .map(|v| d.value(field, kind, v.trim()))
                .collect::<Result<_, _>>()?;
            let not = if negate { "NOT " } else { "" };
            Ok(format!("{col} {not}IN ({})", items.join(", ")))
        };
        match condition {
            "eq" => self.equals(field, col, kind, raw, false),
            "neq" => self.equals(field, col, kind, raw, true),
            "like" => Ok(self.like(col, kind, raw, false)),
            "nlike" => Ok(self.like(col, kind, raw, true)),
            "fulltext" => Ok(self.like(col, kind, &format!("%{raw}%"), false)),
            "in" => list(self, false),
            "nin" => list(self, true),
            "gt" => compare(self, ">"),
            "gteq" | "moreq" | "from" => compare(self, ">="),
            "lt" => compare(self, "<"),
            "lteq" | "to" => compare(self, "<="),
            "null" => Ok(format!("{col} IS NULL")),
            "notnull" => Ok(format!("{col} IS NOT NULL")),
            "finset" => {
                // MySQL FIND_IN_SET(value, column): the value is one item of the column's
                // comma-separated list.
                let p = self.placeholder(Bind::Text(format!("%,{raw},%")));
                Ok(format!("(',' || CAST({col} AS TEXT) || ',') LIKE {p}"))
            }
            other => Err(AppError::Input(Phrase::invalid_field_value(
                "condition_type",
                other,
            ))),
        }
    }
}

/// The page of customers matching the criteria, with their addresses, and the total count.
pub struct SearchPage {
    pub customers: Vec<Account>,
    pub total_count: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn run_query<T>(conn: &mut DbConnection, sql: &str, binds: &[Bind]) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Backend> + 'static,
{
    let mut query = diesel::sql_query(sql).into_boxed::<Backend>();
    for bind in binds {
        query = match bind {
            Bind::Int(n) => query.bind::<BigInt, _>(*n),
            Bind::Text(t) => query.bind::<Text, _>(t.clone()),
        };
    }
    query.load(conn)
}

/// The WHERE clause (empty when nothing filters) and ORDER BY list of a search, with `tie`
/// appended so ties (and unsorted results) come back in id order and pages never overlap.
fn where_and_order(
    d: &mut Dialect,
    criteria: &SearchCriteria,
    tie: &str,
) -> Result<(String, String), AppError> {
    let mut groups = Vec::new();
    for filters in criteria.filter_groups.iter().filter(|g| !g.is_empty()) {
        let mut alternatives = Vec::new();
        for f in filters {
            let condition = f.condition_type.as_deref().unwrap_or("eq");
            alternatives.push(d.condition(&f.field, condition, f.value.as_deref())?);
        }
        groups.push(format!("({})", alternatives.join(" OR ")));
    }
    let mut order = Vec::new();
    for s in criteria
        .sort_orders
        .iter()
        .flatten()
        .filter(|s| !s.field.is_empty())
    {
        let (col, _) = (d.columns)(&s.field).ok_or_else(|| unknown_field(&s.field))?;
        let dir = match s.direction {
            Some(Direction::Desc) => "DESC",
            _ => "ASC",
        };
        order.push(format!("{col} {dir}"));
    }
    order.push(tie.to_owned());
    let filter = if groups.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", groups.join(" AND "))
    };
    Ok((filter, order.join(", ")))
}

/// ` LIMIT .. OFFSET ..` for the criteria's page (nothing without a page size: every match).
fn page_clause(criteria: &SearchCriteria) -> String {
    match criteria.page_size.filter(|&s| s > 0) {
        Some(size) => {
            let page = criteria.current_page.unwrap_or(1).max(1);
            format!(" LIMIT {size} OFFSET {}", (page - 1).saturating_mul(size))
        }
        None => String::new(),
    }
}

fn count(conn: &mut DbConnection, sql: &str, binds: &[Bind]) -> QueryResult<i64> {
    let rows: Vec<CountRow> = run_query(conn, sql, binds)?;
    Ok(rows.first().map_or(0, |c| c.n))
}

pub fn search(conn: &mut DbConnection, criteria: &SearchCriteria) -> Result<SearchPage, AppError> {
    let mut d = Dialect {
        postgres: matches!(conn, DbConnection::Pg(_)),
        binds: Vec::new(),
        columns: column,
    };
    let (filter, order) = where_and_order(&mut d, criteria, "c.entity_id ASC")?;
    let uses_billing = criteria
        .filter_groups
        .iter()
        .flatten()
        .map(|f| &f.field)
        .chain(criteria.sort_orders.iter().flatten().map(|s| &s.field))
        .any(|f| f.starts_with("billing_"));

    let mut from = String::from("customers c");
    if uses_billing {
        from.push_str(" LEFT JOIN customer_addresses b ON b.entity_id = c.default_billing");
    }
    let total_count = count(
        conn,
        &format!("SELECT COUNT(*) AS n FROM {from}{filter}"),
        &d.binds,
    )?;

    // The page's rows come whole in one statement (no second fetch by id).
    let page_sql = format!(
        "SELECT c.* FROM {from}{filter} ORDER BY {order}{}",
        page_clause(criteria)
    );
    let rows: Vec<CustomerRow> = run_query(conn, &page_sql, &d.binds)?;
    let ids: Vec<i32> = rows.iter().map(|r| r.entity_id).collect();

    // In chunks: without a page size every match is returned, and both backends cap the
    // number of bound parameters in one statement.
    let mut by_customer: std::collections::HashMap<i32, Vec<AddressRow>> = Default::default();
    for chunk in ids.chunks(10_000) {
        let addresses: Vec<AddressRow> = customer_addresses::table
            .filter(customer_addresses::customer_id.eq_any(chunk))
            .order(customer_addresses::entity_id)
            .select(AddressRow::as_select())
            .load(conn)?;
        for a in addresses {
            by_customer.entry(a.customer_id).or_default().push(a);
        }
    }
    let customers = rows
        .into_iter()
        .map(|row| {
            let addresses = by_customer.remove(&row.entity_id).unwrap_or_default();
            Account {
                customer: row,
                addresses,
            }
        })
        .collect();
    Ok(SearchPage {
        customers,
        total_count,
    })
}

/// Magento's group search fields (GroupRepository::translateField: `code`, `id` and
/// `tax_class_name` are translated; the table's own column names pass through).
fn group_column(field: &str) -> Option<(&'static str, Kind)> {
    Some(match field {
        "id" | "customer_group_id" => ("g.customer_group_id", Kind::Int),
        "code" | "customer_group_code" => ("g.customer_group_code", Kind::Text),
        "tax_class_id" => ("g.tax_class_id", Kind::Int),
        "tax_class_name" | "class_name" => ("t.class_name", Kind::Text),
        _ => return None,
    })
}

#[derive(QueryableByName)]
struct GroupHit {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    tax_class_id: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    tax_class_name: Option<String>,
}

/// The page of customer groups matching the criteria (by id unless sorted), and the total.
pub fn search_groups(
    conn: &mut DbConnection,
    criteria: &SearchCriteria,
) -> Result<(Vec<GroupRow>, i64), AppError> {
    let mut d = Dialect {
        postgres: matches!(conn, DbConnection::Pg(_)),
        binds: Vec::new(),
        columns: group_column,
    };
    let (filter, order) = where_and_order(&mut d, criteria, "g.customer_group_id ASC")?;
    let from = "customer_groups g LEFT JOIN tax_classes t ON t.class_id = g.tax_class_id";
    let total = count(
        conn,
        &format!("SELECT COUNT(*) AS n FROM {from}{filter}"),
        &d.binds,
    )?;
    let rows: Vec<GroupHit> = run_query(
        conn,
        &format!(
            "SELECT g.customer_group_id AS id, g.customer_group_code AS code, \
             g.tax_class_id AS tax_class_id, t.class_name AS tax_class_name \
             FROM {from}{filter} ORDER BY {order}{}",
            page_clause(criteria)
        ),
        &d.binds,
    )?;
    let groups = rows
        .into_iter()
        .map(|h| GroupRow {
            id: h.id,
            code: h.code,
            tax_class_id: h.tax_class_id,
            tax_class_name: h.tax_class_name,
        })
        .collect();
    Ok((groups, total))
}
