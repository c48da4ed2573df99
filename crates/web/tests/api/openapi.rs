//! openapi.yaml stays true: every documented operation is served (none answers "Request does
//! not match any route."), under both REST prefixes.

use crate::helpers::*;

/// (method, path) of every operation in openapi.yaml, read from its `paths:` block.
fn documented_operations() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml"))
        .unwrap();
    let mut ops = Vec::new();
    let mut in_paths = false;
    let mut current = None::<String>;
    for line in text.lines() {
        if line == "paths:" {
            in_paths = true;
            continue;
        }
        if in_paths && !line.starts_with(' ') && !line.is_empty() {
            break;
        }
        if let Some(path) = line.strip_prefix("  /").and_then(|l| l.strip_suffix(':')) {
            current = Some(format!("/{path}"));
        } else if let Some(method) = ["get", "post", "put", "delete"]
            .iter()
            .find(|m| line == format!("    {m}:"))
        {
            ops.push((method.to_string(), current.clone().unwrap()));
        }
    }
    ops
}

on_both_backends! {
    async fn every_documented_operation_is_routed(backend: Backend) {
        let app = spawn_app(backend).await;
        let ops = documented_operations();
        assert!(ops.len() >= 19, "{ops:?}");
        for (method, path) in ops {
            let concrete = path
                .replace("{customerId}", "1")
                .replace("{resetPasswordLinkToken}", "abc")
                .replace("{email}", "a@b.co")
                .replace("{countryId}", "US")
                .replace("{attributeCode}", "firstname")
                .replace("{formCode}", "adminhtml_customer")
                .replace("{id}", "1")
                .replace("{storeCode}", "default");
            // Paths served at the root (their `servers` entry says so), not under a REST prefix.
            let at_root = concrete.ends_with('z')
                || ["/graphql", "/metrics", "/openapi.yaml"].contains(&concrete.as_str())
                || concrete.starts_with("/rest/");
            let prefixes: &[&str] = if at_root {
                &[""]
            } else {
                &["/rest/V1", "/rest/default/V1"]
            };
            for prefix in prefixes {
                let url = app.url(&format!("{prefix}{concrete}"));
                let req = match method.as_str() {
                    "get" => app.client.get(url),
                    "post" => app.client.post(url),
                    "put" => app.client.put(url),
                    _ => app.client.delete(url),
                };
                let reply = req.send().await.unwrap();
                let body = serde_json::from_str::<serde_json::Value>(&reply.text().await.unwrap()).ok();
                assert_ne!(body, Some(error("Request does not match any route.")), "{method} {prefix}{concrete}");
            }
        }
    }
}
