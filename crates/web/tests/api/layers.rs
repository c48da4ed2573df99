//! The layer rules of both crates' Design notes, checked on the source. In each crate a module
//! may import only modules of a lower layer (or itself), so the doors (`rest`, `graphql`,
//! `pages`, one layer) never import each other; only the core's `db` names Diesel; the core
//! names no web framework; and a door reaches the core through `accounts` (and the other
//! modules below it), never `customer_core::db`. A planted `use crate::rest::...` in the core's
//! `db/`, a `use crate::graphql::...` in `rest/`, or a Diesel query in `transfer/` fails here.

use std::collections::BTreeMap;
use std::path::Path;

/// The core's top-level modules and their layers; a module may use strictly lower ones.
const CORE_LAYERS: &[(&str, u8)] = &[
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
    ("scopes", 5),
    ("accounts", 6),
    ("transfer", 6),
];

/// The web crate's top-level modules: the HTTP floor, the doors, then what assembles them.
const WEB_LAYERS: &[(&str, u8)] = &[
    ("http", 0),
    ("observe", 0),
    ("rest", 1),
    ("graphql", 1),
    ("pages", 1),
    ("startup", 2),
    ("cli", 3),
];

/// Web modules that may name the core's `db` (they open the pool, run the import and export).
const ASSEMBLY: &[&str] = &["startup", "cli"];

const WEB_CRATES: &[&str] = &["actix_web", "actix_http", "async_graphql"];

struct Crate {
    /// `crates/<dir>`.
    dir: &'static str,
    layers: &'static [(&'static str, u8)],
}

const CORE: Crate = Crate {
    dir: "core",
    layers: CORE_LAYERS,
};
const WEB: Crate = Crate {
    dir: "web",
    layers: WEB_LAYERS,
};

fn layer_of(krate: &Crate, module: &str) -> u8 {
    krate
        .layers
        .iter()
        .find(|(m, _)| *m == module)
        .unwrap_or_else(|| {
            panic!(
                "crates/{}/src/{module} has no layer in tests/api/layers.rs",
                krate.dir
            )
        })
        .1
}

/// Every `.rs` file under a crate's `src/`, by top-level module (`src/db/x.rs` → `db`).
fn files_by_module(krate: &Crate) -> BTreeMap<String, Vec<(String, String)>> {
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
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate.dir)
        .join("src");
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
        modules.entry(module).or_default().push((
            format!("crates/{}/src/{}", krate.dir, relative.display()),
            text,
        ));
    }
    modules
}

/// The code of a line, without its comment.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.split("//").next().unwrap_or(""))
}

/// The top-level modules of crate `prefix` (`crate::`, `customer_core::`) a text names.
fn imports(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for code in code_lines(text) {
        for (i, _) in code.match_indices(prefix) {
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &code[i + prefix.len()..];
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

fn violations(krate: &Crate, modules: &BTreeMap<String, Vec<(String, String)>>) -> Vec<String> {
    let is_core = krate.dir == CORE.dir;
    let mut bad = Vec::new();
    for (module, files) in modules {
        let own = layer_of(krate, module);
        for (file, text) in files {
            for imported in imports(text, "crate::") {
                if imported != *module && layer_of(krate, &imported) >= own {
                    bad.push(format!(
                        "{file}: `{module}` imports `{imported}`, a layer at or above it"
                    ));
                }
            }
            if !is_core && !ASSEMBLY.contains(&module.as_str()) {
                for imported in imports(text, "customer_core::") {
                    if imported == DATABASE_LAYER {
                        bad.push(format!(
                            "{file}: `{module}` imports `customer_core::db`; doors call `accounts`"
                        ));
                    }
                }
            }
            if !(is_core && module == DATABASE_LAYER) && names_diesel(text) {
                bad.push(format!(
                    "{file}: `{module}` names `diesel`; database access belongs in the core's db"
                ));
            }
            if is_core {
                for web in WEB_CRATES {
                    let named = code_lines(text).any(|code| {
                        code.contains(&format!("{web}::")) || code.contains(&format!("#[{web}"))
                    });
                    if named {
                        bad.push(format!(
                            "{file}: `{module}` names `{web}`; the core knows no web framework"
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
    for krate in [CORE, WEB] {
        let bad = violations(&krate, &files_by_module(&krate));
        assert!(bad.is_empty(), "layer rule broken:\n{}", bad.join("\n"));
    }
}

#[test]
fn the_check_catches_an_upward_import_and_a_web_framework_in_the_core() {
    let mut modules = files_by_module(&CORE);
    modules.get_mut("db").unwrap().push((
        "db/planted.rs".into(),
        "use crate::accounts::Account;\nfn f() -> actix_web::HttpResponse { todo!() }\n".into(),
    ));
    let bad = violations(&CORE, &modules);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter().any(|b| b.contains("`db` imports `accounts`")),
        "{bad:?}"
    );
    assert!(
        bad.iter().any(|b| b.contains("names `actix_web`")),
        "{bad:?}"
    );
}

#[test]
fn the_check_catches_one_door_importing_another_and_a_door_reaching_db() {
    let mut modules = files_by_module(&WEB);
    modules.get_mut("rest").unwrap().push((
        "rest/planted.rs".into(),
        "use crate::graphql::types;\nuse customer_core::db::customers::Account;\n".into(),
    ));
    let bad = violations(&WEB, &modules);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter().any(|b| b.contains("`rest` imports `graphql`")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|b| b.contains("imports `customer_core::db`")),
        "{bad:?}"
    );
}

#[test]
fn the_check_catches_diesel_outside_the_database_layer() {
    let mut modules = files_by_module(&CORE);
    modules.get_mut("transfer").unwrap().push((
        "transfer/planted.rs".into(),
        "use diesel::prelude::*;\n// Diesel is named in this comment only.\n".into(),
    ));
    let bad = violations(&CORE, &modules);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].contains("transfer/planted.rs: `transfer` names `diesel`"),
        "{bad:?}"
    );
}

/// Pairs of files of one folder that import each other (`super::x` from a sibling, or the
/// sibling's full `crate::...::x` path): a loop one reader must hold in mind at once.
fn sibling_loops(files: &[(String, String)]) -> Vec<String> {
    // (folder, module name) -> its text; `x/mod.rs` is module `x` of the folder above.
    let mut modules: BTreeMap<(String, String), &str> = BTreeMap::new();
    for (path, text) in files {
        let relative = path.splitn(4, '/').nth(3).unwrap_or(path);
        let (folder, file) = relative.rsplit_once('/').unwrap_or(("", relative));
        let (folder, name) = match file {
            "mod.rs" => match folder.rsplit_once('/') {
                Some((up, dir)) => (up.to_owned(), dir.to_owned()),
                None => (String::new(), folder.to_owned()),
            },
            _ => (folder.to_owned(), file.trim_end_matches(".rs").to_owned()),
        };
        if folder.is_empty() && (name == "lib" || name == "main") {
            continue;
        }
        modules.insert((folder, name), text);
    }
    let names = |text: &str, folder: &str, other: &str| {
        let full = format!("crate::{}::{other}", folder.replace('/', "::"));
        let full = full.replace("crate::::", "crate::");
        code_lines(text).any(|code| {
            [format!("super::{other}"), full.clone()]
                .iter()
                .any(|needle| {
                    code.match_indices(needle.as_str()).any(|(i, _)| {
                        let after = code[i + needle.len()..].chars().next();
                        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                })
        })
    };
    let mut loops = Vec::new();
    for ((folder, a), text_a) in &modules {
        for ((folder_b, b), text_b) in &modules {
            if folder_b == folder && a < b && names(text_a, folder, b) && names(text_b, folder, a) {
                loops.push(format!("{folder}/: `{a}` and `{b}` import each other"));
            }
        }
    }
    loops
}

#[test]
fn no_two_files_of_one_folder_import_each_other() {
    for krate in [CORE, WEB] {
        let files: Vec<(String, String)> =
            files_by_module(&krate).into_values().flatten().collect();
        let loops = sibling_loops(&files);
        assert!(loops.is_empty(), "file loops:\n{}", loops.join("\n"));
    }
}

#[test]
fn the_loop_check_catches_two_pages_files_importing_each_other() {
    let mut files: Vec<(String, String)> = files_by_module(&WEB).into_values().flatten().collect();
    files.push((
        "crates/web/src/pages/planted.rs".into(),
        "use super::session::Visit;\n".into(),
    ));
    files.push((
        "crates/web/src/pages/session.rs".into(),
        "use crate::pages::planted;\n".into(),
    ));
    let loops = sibling_loops(&files);
    assert_eq!(
        loops,
        ["pages/: `planted` and `session` import each other"],
        "{loops:?}"
    );
}
