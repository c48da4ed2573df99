//! Converts openapi.yaml to JSON, writes GraphQL's `CountryCodeEnum` from the core's country
//! table (`crates/core/resources/directory/countries.csv`) and GraphQL's `StoreConfig` from the
//! list of Magento 2.4.8's fields (`crates/core/resources/config/store_config.json`).

use std::{env, fs, path::Path};

fn main() {
    write_openapi_json();
    write_country_code_enum();
    write_store_config();
}

/// `openapi.yaml` as JSON (`OUT_DIR/openapi.json`), served at `/rest/<store>/schema`, so the
/// binary carries no YAML parser. Keys keep their order.
fn write_openapi_json() {
    let path = "../../openapi.yaml";
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(path).expect("read openapi.yaml");
    let value: serde_json::Value = serde_norway::from_str(&text).expect("openapi.yaml is YAML");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("openapi.json");
    fs::write(dest, serde_json::to_string(&value).expect("JSON")).expect("write openapi.json");
}

/// GraphQL's CountryCodeEnum: one variant per code of the country table (its first column, two
/// letters, never quoted).
fn write_country_code_enum() {
    let csv_path = "../core/resources/directory/countries.csv";
    println!("cargo:rerun-if-changed={csv_path}");
    let text = fs::read_to_string(csv_path).expect("read countries csv");
    let mut codes: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    // GraphQL's CountryCodeEnum (Magento's enum of two-letter codes). Variants are `Us`, `Gb`...,
    // which async-graphql renders in upper case: `US`, `GB`.
    codes.sort();
    let variant = |c: &str| format!("{}{}", &c[..1], c[1..].to_lowercase());
    let mut e = String::from(
        "/// The two-letter ISO 3166 codes of the countries an address may use.\n\
         #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]\n\
         #[graphql(name = \"CountryCodeEnum\")]\n\
         pub enum CountryCodeEnum {\n",
    );
    for c in &codes {
        e.push_str(&format!("    {},\n", variant(c)));
    }
    e.push_str("}\n\nimpl CountryCodeEnum {\n    pub fn code(self) -> &'static str {\n        match self {\n");
    for c in &codes {
        e.push_str(&format!("            Self::{} => {c:?},\n", variant(c)));
    }
    e.push_str("        }\n    }\n\n    pub fn from_code(code: &str) -> Option<Self> {\n        match code {\n");
    for c in &codes {
        e.push_str(&format!(
            "            {c:?} => Some(Self::{}),\n",
            variant(c)
        ));
    }
    e.push_str("            _ => None,\n        }\n    }\n}\n");
    let dest =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("country_code_enum.rs");
    fs::write(dest, e).expect("write country_code_enum.rs");
}

/// The modules whose `StoreConfig` fields describe this service's own behaviour; the others
/// belong to parts of a shop it does not run (catalog, checkout, CMS, theme, payments, tax).
const OWN_MODULES: &[&str] = &[
    "Magento_StoreGraphQl",
    "Magento_CustomerGraphQl",
    "Magento_NewsletterGraphQl",
    "Magento_IntegrationGraphQl",
];

/// GraphQL's `StoreConfig`: one field per entry of store_config.json, typed as Magento declares
/// it, documented with Magento's description, and `StoreConfig::from_config`, which reads each
/// field from its config path. Fields of another type than a scalar are computed by a
/// hand-written function of the same name in `special` (`graphql/types/store.rs`); fields
/// without a path (the store view's own: code, name, ...) start empty and are filled there.
fn write_store_config() {
    let path = "../core/resources/config/store_config.json";
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(path).expect("read store_config.json");
    let fields: Vec<serde_json::Value> = serde_json::from_str(&text).expect("store_config.json");
    let mut decl = String::from(
        "/// The store view's configuration, as Magento's `StoreConfig` (StoreGraphQl and the 21\n\
         /// modules that add fields to it, as of 2.4.8, and four fields of Adobe's storefront\n\
         /// schema).\n\
         #[derive(async_graphql::SimpleObject, Clone, Debug)]\n\
         #[graphql(name = \"StoreConfig\")]\n\
         pub struct StoreConfig {\n",
    );
    let mut init = String::from(
        "impl StoreConfig {\n    /// Every field from its config path.\n    \
         pub fn from_config(values: &customer_core::scopes::StoreConfigValues) -> Self {\n        \
         Self {\n",
    );
    for f in &fields {
        let name = f["field"].as_str().expect("field");
        let ty = f["type"].as_str().expect("type");
        let module = f["module"].as_str().unwrap_or_default();
        let mut doc = f["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_owned();
        if !OWN_MODULES.contains(&module) {
            let owner = module.split(' ').next().unwrap_or(module);
            if !doc.is_empty() && !doc.ends_with('.') {
                doc.push('.');
            }
            doc.push_str(&format!(
                " (Served for storefront compatibility: this customer service does not run the \
                 part of the shop this field belongs to ({owner}); the value is Magento's default \
                 or the one configured here.)"
            ));
        }
        let (rust_ty, read) = match ty {
            "String" => ("Option<String>", "string"),
            "ID" => ("Option<async_graphql::ID>", "id"),
            "Int" => ("Option<i32>", "int"),
            "Int!" => ("i32", "int_or_zero"),
            "Boolean" => ("Option<bool>", "boolean"),
            "Boolean!" => ("bool", "boolean_or_false"),
            "Float" => ("Option<f64>", "float"),
            "FixedProductTaxDisplaySettings" => ("Option<FixedProductTaxDisplaySettings>", ""),
            "ProductImageThumbnail!" => ("ProductImageThumbnail", ""),
            "[CancellationReason!]!" => ("Vec<CancellationReason>", ""),
            "SendFriendConfiguration" => ("Option<SendFriendConfiguration>", ""),
            "TaxWrappingEnum" => ("Option<TaxWrappingEnum>", ""),
            other => panic!("store_config.json: no Rust type for {other} ({name})"),
        };
        if !doc.is_empty() {
            decl.push_str(&format!("    #[doc = {doc:?}]\n"));
        }
        let mut attrs = format!("name = {name:?}");
        if let Some(reason) = f["deprecated"].as_str() {
            attrs.push_str(&format!(", deprecation = {reason:?}"));
        }
        decl.push_str(&format!(
            "    #[graphql({attrs})]\n    pub {name}: {rust_ty},\n"
        ));
        let value = match (read, f["path"].as_str()) {
            ("", _) => format!("special::{name}(values)"),
            (read, Some(path)) => format!("read::{read}(values.get({path:?}))"),
            (_, None) => "Default::default()".to_owned(),
        };
        init.push_str(&format!("            {name}: {value},\n"));
    }
    decl.push_str("}\n\n");
    init.push_str("        }\n    }\n}\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("store_config.rs");
    fs::write(dest, decl + &init).expect("write store_config.rs");
}
