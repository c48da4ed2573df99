//! Converts openapi.yaml to JSON and writes GraphQL's `CountryCodeEnum` from the core's
//! country table (`crates/core/resources/directory/countries.csv`).

use std::{env, fs, path::Path};

fn main() {
    write_openapi_json();
    write_country_code_enum();
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
