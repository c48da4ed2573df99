//! The served GraphQL schema against Magento 2.4.8's: every in-scope leaf of its
//! `schema.graphqls` files (tests/fixtures/magento-2.4.8-schema-leaves.txt: CustomerGraphQl,
//! LoginAsCustomerGraphQl, NewsletterGraphQl, StoreGraphQl, DirectoryGraphQl,
//! ReCaptchaWebapiGraphQl, EavGraphQl, and every StoreConfig field) is served with Magento's
//! type, or named below with the reason it is not (the README's list of differences).

use std::collections::BTreeMap;

/// Leaves not served, each with its reason: `Type.field`, or `Type.` for a whole type.
const NOT_SERVED: &[(&str, &str)] = &[
    (
        "Query.customAttributeMetadata",
        "deprecated since 2.4.7 for customAttributeMetadataV2, which is served",
    ),
    (
        "CustomAttributeMetadata.",
        "the deprecated customAttributeMetadata's output",
    ),
    (
        "Attribute.",
        "the deprecated customAttributeMetadata's output",
    ),
    (
        "AttributeOption.",
        "the deprecated customAttributeMetadata's output",
    ),
    (
        "StorefrontProperties.",
        "catalog properties of the deprecated customAttributeMetadata",
    ),
    (
        "UseInLayeredNavigationOptions.",
        "catalog properties of the deprecated customAttributeMetadata",
    ),
    (
        "Mutation.generateCustomerTokenAsAdmin",
        "Login as Customer is not offered yet",
    ),
    (
        "GenerateCustomerTokenAsAdminInput.",
        "Login as Customer is not offered yet",
    ),
    (
        "GenerateCustomerTokenAsAdminOutput.",
        "Login as Customer is not offered yet",
    ),
    (
        "Website.",
        "StoreGraphQl's deprecated type, which no 2.4.8 query returns",
    ),
];

/// `Type.field` -> declared type (empty for an enum value) of an SDL text.
fn leaves(sdl: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_description = false;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            if !(trimmed.len() >= 6 && trimmed.ends_with("\"\"\"")) {
                in_description = !in_description;
            }
            continue;
        }
        if in_description {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [kind, name, ..] = words.as_slice()
            && ["type", "input", "enum", "interface"].contains(kind)
        {
            current = Some(name.trim_end_matches('{').to_owned());
            continue;
        }
        if line.starts_with('}') {
            current = None;
            continue;
        }
        let Some(ty) = &current else { continue };
        let Some(body) = line.strip_prefix('\t') else {
            continue;
        };
        if !body.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            continue;
        }
        let name_end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let mut rest = &body[name_end..];
        // Skip the arguments: up to the matching parenthesis, strings aside.
        if rest.starts_with('(') {
            let (mut depth, mut in_string, mut end) = (0, false, rest.len());
            for (i, c) in rest.char_indices() {
                match c {
                    '"' => in_string = !in_string,
                    '(' if !in_string => depth += 1,
                    ')' if !in_string => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end..];
        }
        let declared = rest
            .strip_prefix(':')
            .map(|t| {
                t.split(" @")
                    .next()
                    .unwrap_or_default()
                    .split(" =")
                    .next()
                    .unwrap_or_default()
                    .trim()
            })
            .unwrap_or_default();
        out.insert(format!("{ty}.{}", &body[..name_end]), declared.to_owned());
    }
    out
}

#[test]
fn every_in_scope_leaf_of_magento_2_4_8_is_served_with_its_type_or_named_as_a_difference() {
    let fixture = include_str!("../fixtures/magento-2.4.8-schema-leaves.txt");
    let served = leaves(&customer_service::graphql::build_schema().sdl());
    assert!(
        served.len() > 500,
        "the SDL parser found only {} leaves",
        served.len()
    );
    let mut problems = Vec::new();
    let mut listed_but_served = Vec::new();
    for line in fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut cols = line.split('\t');
        let (Some(leaf), Some(magento_type)) = (cols.next(), cols.next()) else {
            panic!("fixture line without a type: {line:?}");
        };
        let excused = NOT_SERVED.iter().any(|(entry, _)| {
            if entry.ends_with('.') {
                leaf.starts_with(entry)
            } else {
                leaf == *entry
            }
        });
        let enum_value = leaf.split('.').next() == Some(magento_type);
        match served.get(leaf) {
            None if excused => {}
            None => problems.push(format!("missing: {leaf}: {magento_type}")),
            Some(_) if excused => listed_but_served.push(leaf.to_owned()),
            Some(_) if enum_value => {}
            Some(ours) if ours != magento_type => problems.push(format!(
                "type: {leaf}: Magento {magento_type}, served {ours}"
            )),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "schema drift from Magento 2.4.8:\n{}",
        problems.join("\n")
    );
    assert!(
        listed_but_served.is_empty(),
        "served now, take them off NOT_SERVED (and the README): {listed_but_served:?}"
    );
}

#[test]
fn the_sdl_reader_sees_fields_arguments_and_deprecations() {
    let sdl = "\"\"\"\nA type.\n\"\"\"\ntype Query {\n\t\"\"\"\n\tdoc (with parens)\n\t\"\"\"\n\tcustomer(id: Int = 1, name: String): Customer!\n\told: String @deprecated(reason: \"Use `new` (the field) instead.\")\n}\nenum E {\n\tA\n}\n";
    let found = leaves(sdl);
    assert_eq!(
        found.get("Query.customer").map(String::as_str),
        Some("Customer!")
    );
    assert_eq!(found.get("Query.old").map(String::as_str), Some("String"));
    assert_eq!(found.get("E.A").map(String::as_str), Some(""));
    assert_eq!(found.len(), 3);
}
