//! The layer rule of `src/lib.rs`'s Design note, checked on the source: a module may import
//! only modules of a lower layer (or itself), and nothing below the front doors names a web
//! framework, and only `db` names Diesel (the other layers call `db`'s functions). A planted
//! `use crate::rest::...` in `src/db/`, or a Diesel query in `src/migrate/`, fails this test.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module's layer; a module may use modules of strictly lower layers.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("config", 0),
    ("directory", 0),
    ("domain", 1),
    ("telemetry", 1),
    ("db", 2),
    ("ratelimit", 2),
    ("auth", 3),
    ("mail", 3),
    ("state", 4),
    ("accounts", 5),
    ("migrate", 5),
    ("rest", 6),
    ("observe", 6),
    ("pages", 6),
    ("graphql", 7),
    ("startup", 8),
    ("cli", 9),
];

/// The layer at and below which no web framework may be named.
const BELOW_FRONT_DOORS: u8 = 5;
const WEB_CRATES: &[&str] = &["actix_web", "actix_http", "async_graphql"];

fn layer_of(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .unwrap_or_else(|| panic!("src/{module} has no layer in tests/api/layers.rs"))
        .1
}

/// Every `.rs` file under `src/`, by top-level module (`src/db/x.rs` → `db`).
fn files_by_module() -> BTreeMap<String, Vec<(String, String)>> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut modules: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        modules
            .entry(module)
            .or_default()
            .push((relative.display().to_string(), text));
    }
    modules
}

/// The top-level modules a source text names through `crate::`, outside comments.
fn crate_imports(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// The one module that may name Diesel.
const DATABASE_LAYER: &str = "db";

/// Whether code (comments aside) names the `diesel` crate.
fn names_diesel(text: &str) -> bool {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .any(|code| {
            code.match_indices("diesel").any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = code[i + "diesel".len()..].chars().next();
                let part =
                    |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                !part(before) && !part(after)
            })
        })
}

fn violations(modules: &BTreeMap<String, Vec<(String, String)>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (module, files) in modules {
        let own = layer_of(module);
        for (file, text) in files {
            for imported in crate_imports(text) {
                if imported != *module && layer_of(&imported) >= own {
                    bad.push(format!(
                        "src/{file}: `{module}` imports `{imported}`, a layer at or above it"
                    ));
                }
            }
            if module != DATABASE_LAYER && names_diesel(text) {
                bad.push(format!(
                    "src/{file}: `{module}` names `diesel`; database access belongs in src/db"
                ));
            }
            if own <= BELOW_FRONT_DOORS {
                for web in WEB_CRATES {
                    let named = text
                        .lines()
                        .map(|l| l.split("//").next().unwrap_or(""))
                        .any(|code| {
                            code.contains(&format!("{web}::")) || code.contains(&format!("#[{web}"))
                        });
                    if named {
                        bad.push(format!(
                            "src/{file}: `{module}` names `{web}` below the front doors"
                        ));
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let bad = violations(&files_by_module());
    assert!(bad.is_empty(), "layer rule broken:\n{}", bad.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import() {
    let mut modules = files_by_module();
    modules.get_mut("db").unwrap().push((
        "db/planted.rs".into(),
        "use crate::rest::render;\nfn f() -> actix_web::HttpResponse { todo!() }\n".into(),
    ));
    let bad = violations(&modules);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].contains("`db` imports `rest`") || bad[1].contains("`db` imports `rest`"));
}

#[test]
fn the_check_catches_diesel_outside_the_database_layer() {
    let mut modules = files_by_module();
    modules.get_mut("migrate").unwrap().push((
        "migrate/planted.rs".into(),
        "use diesel::prelude::*;\n// Diesel is named in this comment only.\n".into(),
    ));
    let bad = violations(&modules);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].contains("src/migrate/planted.rs: `migrate` names `diesel`"));
}
