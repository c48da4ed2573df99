//! async-graphql's request errors reworded as webonyx/graphql-php 15 (Magento's GraphQL
//! library) writes them, in one place: validation rules (FieldsOnCorrectType,
//! KnownArgumentNames, ProvidedRequiredArguments, ValuesOfCorrectType, ScalarLeafs,
//! KnownFragmentNames, NoUnusedFragments, NoUndefinedVariables, NoUnusedVariables,
//! UniqueArgumentNames, KnownTypeNames, KnownDirectives), variable values
//! (Executor/Values.php, Utils/Value.php, the scalars' parse errors) and "Did you mean"
//! suggestions (Utils::suggestionList, LexicalDistance, quotedOrList). A message it does not
//! know is sent as async-graphql wrote it.

use async_graphql::Name;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection, TypeKind};
use async_graphql_value::Value as GqlValue;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Fields (with argument types) and input fields of every type the schema serves, read off
/// its SDL once.
/// (name, type) of an argument or input field.
type Typed = (String, String);

struct SchemaIndex {
    /// type -> [(field, [(argument, type)])]
    fields: HashMap<String, Vec<(String, Vec<Typed>)>>,
    /// input type -> [(field, type)]
    inputs: HashMap<String, Vec<(String, String)>>,
}

static INDEX: LazyLock<SchemaIndex> = LazyLock::new(|| {
    let sdl = super::build_schema().sdl();
    let mut index = SchemaIndex {
        fields: HashMap::new(),
        inputs: HashMap::new(),
    };
    let Ok(doc) = async_graphql::parser::parse_schema(&sdl) else {
        return index;
    };
    for def in doc.definitions {
        let async_graphql::parser::types::TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        let fields = match &ty.node.kind {
            TypeKind::Object(o) => &o.fields,
            TypeKind::Interface(i) => &i.fields,
            TypeKind::InputObject(input) => {
                let list = input
                    .fields
                    .iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node.to_string()))
                    .collect();
                index.inputs.insert(name, list);
                continue;
            }
            _ => continue,
        };
        let list = fields
            .iter()
            .map(|f| {
                let args = f
                    .node
                    .arguments
                    .iter()
                    .map(|a| (a.node.name.node.to_string(), a.node.ty.node.to_string()))
                    .collect();
                (f.node.name.node.to_string(), args)
            })
            .collect();
        index.fields.insert(name, list);
    }
    index
});

/// The `"..."` parts of a message, in order.
fn quoted(message: &str) -> Vec<&str> {
    message.split('"').skip(1).step_by(2).collect()
}

/// webonyx's LexicalDistance::measure (Damerau-Levenshtein on lower case, a case change 1).
fn lexical_distance(input: &str, option: &str, threshold: f64) -> Option<usize> {
    if input == option {
        return Some(0);
    }
    let (input_lower, option_lower) = (input.to_lowercase(), option.to_lowercase());
    if input_lower == option_lower {
        return Some(1);
    }
    let (mut a, mut b): (Vec<char>, Vec<char>) = (
        option_lower.chars().collect(),
        input_lower.chars().collect(),
    );
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (a.len() - b.len()) as f64 > threshold {
        return None;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i][0] = i;
        let mut smallest = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(rows[i - 2][j - 2] + 1);
            }
            smallest = smallest.min(cell);
            rows[i][j] = cell;
        }
        if smallest as f64 > threshold {
            return None;
        }
    }
    let distance = rows[a.len()][b.len()];
    (distance as f64 <= threshold).then_some(distance)
}

/// webonyx's `Utils::suggestionList`: options within 40% (+1) edits, nearest first.
fn suggestion_list<'a>(input: &str, options: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let threshold = input.chars().count() as f64 * 0.4 + 1.0;
    let mut found: Vec<(usize, &str)> = options
        .filter_map(|o| lexical_distance(input, o, threshold).map(|d| (d, o)))
        .collect();
    found.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(y.1)));
    found.into_iter().map(|(_, o)| o).collect()
}

/// ` Did you mean "a", "b", or "c"?` (webonyx's `quotedOrList`, at most five), or nothing.
fn did_you_mean(suggestions: &[&str]) -> String {
    let quoted: Vec<String> = suggestions
        .iter()
        .take(5)
        .map(|s| format!("\"{s}\""))
        .collect();
    let list = match quoted.len() {
        0 => return String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} or {}", quoted[0], quoted[1]),
        n => format!("{}, or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    format!(" Did you mean {list}?")
}

fn field_names(type_name: &str) -> Vec<&'static str> {
    INDEX
        .fields
        .get(type_name)
        .map(|f| f.iter().map(|(n, _)| n.as_str()).collect())
        .unwrap_or_default()
}

fn argument_type(type_name: &str, field: &str, arg: &str) -> Option<&'static str> {
    let fields = INDEX.fields.get(type_name)?;
    let (_, args) = fields.iter().find(|(n, _)| n == field)?;
    args.iter().find(|(n, _)| n == arg).map(|(_, t)| t.as_str())
}

/// The request as webonyx sees it: the document and the variables.
pub struct Request<'a> {
    pub document: Option<&'a ExecutableDocument>,
    pub variables: &'a Value,
}

/// webonyx's message for an async-graphql request error (`at`: its location), `None` for one
/// webonyx does not report: a field selected inside a scalar's selection (webonyx has no
/// parent type there and reports only the selection itself).
pub fn reword(message: &str, at: Option<(usize, usize)>, request: &Request<'_>) -> Option<String> {
    let q = quoted(message);
    if message.starts_with("Unknown field \"") && q.len() >= 2 && !INDEX.fields.contains_key(q[1]) {
        return None;
    }
    Some(reword_known(message, at, request))
}

fn reword_known(message: &str, at: Option<(usize, usize)>, request: &Request<'_>) -> String {
    let q = quoted(message);
    let m = message;
    if m.starts_with("Unknown field \"") && q.len() >= 2 {
        let suggestions = suggestion_list(q[0], field_names(q[1]).into_iter());
        return format!(
            "Cannot query field \"{}\" on type \"{}\".{}",
            q[0],
            q[1],
            did_you_mean(&suggestions)
        );
    }
    if m.starts_with("Unknown argument \"") && m.contains("\" on field \"") && q.len() >= 3 {
        let args: Vec<&str> = INDEX
            .fields
            .get(q[2])
            .and_then(|f| f.iter().find(|(n, _)| n == q[1]))
            .map(|(_, a)| a.iter().map(|(n, _)| n.as_str()).collect())
            .unwrap_or_default();
        let suggestions = suggestion_list(q[0], args.into_iter());
        return format!(
            "Unknown argument \"{}\" on field \"{}\" of type \"{}\".{}",
            q[0],
            q[1],
            q[2],
            did_you_mean(&suggestions)
        );
    }
    if m.starts_with("Field \"")
        && m.ends_with("is required but not provided")
        && q.len() >= 3
        && let Some(ty) = argument_type(q[2], q[0], q[1])
    {
        return format!(
            "Field \"{}\" argument \"{}\" of type \"{ty}\" is required but not provided.",
            q[0], q[1]
        );
    }
    if let Some(reason) = m.strip_prefix("Invalid value for argument ")
        && let Some(text) = invalid_value(reason, at, request)
    {
        return text;
    }
    if m.starts_with("Field \"") && m.contains("must not have a selection since type") {
        return format!(
            "Field \"{}\" of type \"{}\" must not have a sub selection.",
            q[0], q[1]
        );
    }
    if m.starts_with("Field \"") && m.ends_with("must have a selection of subfields") {
        return format!(
            "Field \"{}\" of type \"{}\" must have a sub selection.",
            q[0], q[1]
        );
    }
    if m.starts_with("Unknown fragment: \"") {
        return format!("Unknown fragment \"{}\".", q[0]);
    }
    if m.starts_with("Fragment \"") && m.ends_with("is never used") {
        return format!("Fragment \"{}\" is never used.", q[0]);
    }
    if m.starts_with("Variable \"$") && m.contains("is not defined") {
        // webonyx's NoUndefinedVariables has its two texts the wrong way round.
        let var = q[0].trim_start_matches('$');
        return match operation_name(request) {
            Some(_) => format!("Variable \"${var}\" is not defined."),
            None => format!("Variable \"${var}\" is not defined by operation \"\"."),
        };
    }
    if m.starts_with("Variable \"$") && m.contains("is not used") {
        let var = q[0].trim_start_matches('$');
        return match operation_name(request) {
            Some(op) => format!("Variable \"${var}\" is never used in operation \"{op}\"."),
            None => format!("Variable \"${var}\" is never used."),
        };
    }
    if m.starts_with("Variable \"") && m.contains("used in position expecting type") && q.len() >= 3
    {
        return format!(
            "Variable \"${}\" of type \"{}\" used in position expecting type \"{}\".",
            q[0].trim_start_matches('$'),
            q[1],
            q[2]
        );
    }
    if let Some(var) = m
        .strip_prefix("Variable ")
        .and_then(|rest| rest.strip_suffix(" is not defined."))
        && let Some(ty) = variable_type(request, var)
    {
        return format!("Variable \"${var}\" of required type \"{ty}\" was not provided.");
    }
    if m.starts_with("Unknown type \"") {
        return format!("Unknown type \"{}\".", q[0]);
    }
    if m.starts_with("There can only be one argument named \"") {
        return format!("There can be only one argument named \"{}\".", q[0]);
    }
    if m.starts_with("Unknown directive \"") {
        return format!("Unknown directive \"@{}\".", q[0]);
    }
    message.to_owned()
}

fn operation_name(request: &Request<'_>) -> Option<String> {
    match &request.document?.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(ops) => ops.keys().next().map(ToString::to_string),
    }
}

fn variable_type(request: &Request<'_>, var: &str) -> Option<String> {
    request.document?.operations.iter().find_map(|(_, op)| {
        op.node
            .variable_definitions
            .iter()
            .find(|v| v.node.name.node == var)
            .map(|v| v.node.var_type.node.to_string())
    })
}

/// The value an argument was given in the document: the argument named `name` at `at`.
fn argument_at<'a>(
    doc: &'a ExecutableDocument,
    name: &str,
    at: (usize, usize),
) -> Option<&'a GqlValue> {
    fn search<'a>(
        items: &'a [async_graphql::Positioned<Selection>],
        name: &str,
        at: (usize, usize),
    ) -> Option<&'a GqlValue> {
        items.iter().find_map(|item| match &item.node {
            Selection::Field(f) => f
                .node
                .arguments
                .iter()
                .find(|(n, _)| n.node == name && (n.pos.line, n.pos.column) == at)
                .map(|(_, v)| &v.node)
                .or_else(|| search(&f.node.selection_set.node.items, name, at)),
            Selection::InlineFragment(i) => search(&i.node.selection_set.node.items, name, at),
            Selection::FragmentSpread(_) => None,
        })
    }
    doc.operations
        .iter()
        .find_map(|(_, op)| search(&op.node.selection_set.node.items, name, at))
        .or_else(|| {
            doc.fragments
                .values()
                .find_map(|f| search(&f.node.selection_set.node.items, name, at))
        })
}

/// The scalars' parse errors (webonyx's StringType, IntType, FloatType, BooleanType, IDType).
fn scalar_error(type_name: &str, printed: &str) -> String {
    match type_name {
        "Int" => format!("Int cannot represent non-integer value: {printed}"),
        "Float" => format!("Float cannot represent non numeric value: {printed}"),
        "Boolean" => format!("Boolean cannot represent a non boolean value: {printed}"),
        "ID" => format!("ID cannot represent a non-string and non-integer value: {printed}"),
        "String" => format!("String cannot represent a non string value: {printed}"),
        other => format!("Expected value of type \"{other}\", found {printed}."),
    }
}

/// An input type that has `field` of type `ty` and every key the object carries.
fn input_type_with(field: &str, ty: &str, keys: &[String]) -> Option<&'static str> {
    INDEX.inputs.iter().find_map(|(name, fields)| {
        let has = |k: &str| fields.iter().any(|(n, _)| n == k);
        (fields.iter().any(|(n, t)| n == field && t == ty) && keys.iter().all(|k| has(k)))
            .then_some(name.as_str())
    })
}

/// ValuesOfCorrectType's (and Value::coerceInputValue's) unknown input field.
fn unknown_input_field(field: &str, type_name: &str) -> String {
    let fields = INDEX
        .inputs
        .get(type_name)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let suggestions = suggestion_list(field, fields.iter().map(|(n, _)| n.as_str()));
    format!(
        "Field \"{field}\" is not defined by type \"{type_name}\".{}",
        did_you_mean(&suggestions)
    )
}

/// `"path", reason` from ArgumentsOfCorrectType, reworded for a literal or a variable.
fn invalid_value(
    reason: &str,
    at: Option<(usize, usize)>,
    request: &Request<'_>,
) -> Option<String> {
    let rest = reason.strip_prefix('"')?;
    let (path, why) = rest.split_once("\", ")?;
    let mut segments = path.split('.');
    let arg = segments.next()?;
    let doc = request.document?;
    let mut node = argument_at(doc, arg, at?)?;
    // Walk the literal; a variable hands over to the request's variables.
    let mut json: Option<(String, Value, String)> = None;
    let mut steps: Vec<&str> = segments.collect();
    let mut var_path = String::new();
    let mut rest_steps = steps.drain(..);
    loop {
        if let GqlValue::Variable(var) = node {
            let value = request
                .variables
                .get(var.as_str())
                .cloned()
                .unwrap_or(Value::Null);
            json = Some((var.to_string(), value, String::new()));
            break;
        }
        let Some(step) = rest_steps.next() else {
            break;
        };
        node = match node {
            GqlValue::Object(map) => map.get(&Name::new(step))?,
            GqlValue::List(list) => list.get(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let remaining: Vec<&str> = rest_steps.collect();
    let q = quoted(why);
    if let Some((var, mut value, _)) = json {
        for step in &remaining {
            value = match value {
                Value::Object(mut map) => map.remove(*step)?,
                Value::Array(mut list) => {
                    let i = step.parse::<usize>().ok()?;
                    (i < list.len()).then(|| list.swap_remove(i))?
                }
                _ => return None,
            };
            var_path.push_str(&match step.parse::<usize>() {
                Ok(i) => format!("[{i}]"),
                Err(_) => format!(".{step}"),
            });
        }
        let at_path = if var_path.is_empty() {
            String::new()
        } else {
            format!(" at \"{var}{var_path}\"")
        };
        let shown = value.to_string();
        let var_type = variable_type(request, &var).unwrap_or_default();
        if why.starts_with("unknown field \"") && q.len() >= 2 {
            return Some(format!(
                "Variable \"${var}\" got invalid value {shown}{at_path}; {}",
                unknown_input_field(q[0], q[1])
            ));
        }
        if why.starts_with("field \"") && why.ends_with("is required but not provided") {
            return Some(format!(
                "Variable \"${var}\" got invalid value {shown}{at_path}; Field \"{}\" of required type \"{}\" was not provided.",
                q[0], q[1]
            ));
        }
        if why.starts_with("expected type \"") && var_path.is_empty() {
            return Some(if value.is_null() {
                if request.variables.get(&var).is_some() {
                    format!("Variable \"${var}\" of non-null type \"{var_type}\" must not be null.")
                } else {
                    format!("Variable \"${var}\" of required type \"{var_type}\" was not provided.")
                }
            } else {
                format!(
                    "Variable \"${var}\" got invalid value {shown}; {}",
                    scalar_error(q[0], &shown)
                )
            });
        }
        return None;
    }
    if !remaining.is_empty() {
        return None;
    }
    if why.starts_with("unknown field \"") && q.len() >= 2 {
        return Some(unknown_input_field(q[0], q[1]));
    }
    if why.starts_with("field \"") && why.ends_with("is required but not provided") && q.len() >= 2
    {
        let keys: Vec<String> = match node {
            GqlValue::Object(map) => map.keys().map(ToString::to_string).collect(),
            _ => Vec::new(),
        };
        let owner = input_type_with(q[0], q[1], &keys)?;
        return Some(format!(
            "Field {owner}.{} of required type {} was not provided.",
            q[0], q[1]
        ));
    }
    if why.starts_with("expected type \"") && !q.is_empty() {
        let printed = node.to_string();
        return Some(if matches!(node, GqlValue::Null) {
            format!("Expected value of type \"{}!\", found null.", q[0])
        } else {
            scalar_error(q[0], &printed)
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, suggestion_list};

    #[test]
    fn suggestions_follow_webonyx_suggestion_list_and_quoted_or_list() {
        let options = ["firstname", "lastname", "middlename", "email"];
        assert_eq!(
            suggestion_list("firstnam", options.into_iter()),
            ["firstname", "lastname"]
        );
        assert_eq!(suggestion_list("EMAIL", options.into_iter()), ["email"]);
        assert!(suggestion_list("test123", options.into_iter()).is_empty());
        assert_eq!(did_you_mean(&["a"]), " Did you mean \"a\"?");
        assert_eq!(did_you_mean(&["a", "b"]), " Did you mean \"a\" or \"b\"?");
        assert_eq!(
            did_you_mean(&["a", "b", "c"]),
            " Did you mean \"a\", \"b\", or \"c\"?"
        );
        assert_eq!(did_you_mean(&[]), "");
    }
}
