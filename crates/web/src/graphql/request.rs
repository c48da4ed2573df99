//! Reading a GraphQL request as Magento's controller does: the body (REST's limits), GET's
//! query string or POST's JSON, the document parsed first (a syntax error is a 400), then the
//! `Store` header and the bearer token, into the context every resolver sees.

use super::context::{RequestContext, from_app};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::ExecutableDocument;
use customer_core::auth::{StoreContext, TokenRead, resolve_caller};
use customer_core::state::AppState;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// The answer to a request refused before execution (boxed: it is the rare path).
pub type Refusal = Box<HttpResponse>;

/// What the response needs of a request read: the document as parsed here (for the wording
/// of refusals), the variables as sent, and the resolvers' context.
pub struct Prepared {
    pub document: Option<ExecutableDocument>,
    pub variables: Value,
    pub context: Arc<RequestContext>,
}

/// The request to execute (with its context) and what its response needs, or the answer that
/// refuses it before execution.
pub async fn read(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(async_graphql::Request, Prepared), Refusal> {
    // The same body limits as REST, answered in Magento's JSON (not actix's plain text).
    let mut payload = payload.into_inner();
    let body = match crate::http::body::read_body(req, &mut payload).await {
        Ok(body) => body,
        Err(e) => return Err(Box::new(crate::http::error::error_response(&e))),
    };
    let request = if req.method() == actix_web::http::Method::GET {
        let params = match crate::http::query::parse_query(req.query_string()) {
            Ok(params) => params,
            Err(e) => {
                let e = from_app(e);
                return errors_only(StatusCode::BAD_REQUEST, &e.message, "graphql-input");
            }
        };
        let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
        let Some(query) = text("query") else {
            return errors_only(
                StatusCode::BAD_REQUEST,
                "Syntax Error: Unexpected <EOF>",
                "graphql",
            );
        };
        if is_mutation(&query) {
            return errors_only(
                StatusCode::OK,
                "Mutation requests allowed only for POST requests",
                "graphql-input",
            );
        }
        let mut r = async_graphql::Request::new(query);
        if let Some(name) = text("operationName") {
            r = r.operation_name(name);
        }
        if let Some(vars) = text("variables").filter(|v| !v.is_empty()) {
            match serde_json::from_str::<Value>(&vars) {
                Ok(v) => r = r.variables(async_graphql::Variables::from_json(v)),
                Err(_) => return syntax_error("Unable to parse the variables.", 1, 1),
            }
        }
        r
    } else {
        match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(r) => r,
            Err(_) => return syntax_error("Unable to parse the request.", 1, 1),
        }
    };
    // Magento parses the document before anything else: a syntax error is a 400.
    let document = match async_graphql::parser::parse_query(&request.query) {
        Ok(doc) => Some(doc),
        Err(async_graphql::parser::Error::Syntax { start, .. }) => {
            return syntax_error(
                &parse_failure(&request.query, start),
                start.line,
                start.column,
            );
        }
        Err(_) => None,
    };
    let variables = serde_json::to_value(&request.variables).unwrap_or(Value::Null);

    // The `Store` header picks the store view, as in Magento.
    let code = req
        .headers()
        .get("Store")
        .map(|v| v.to_str().unwrap_or(""))
        .filter(|code| !code.is_empty());
    // `all` is a REST path prefix, not a store view: GraphQL never runs in the admin store.
    let store = match code {
        None => StoreContext::resolve(&state.scopes, None),
        Some("all") => None,
        Some(code) => StoreContext::resolve(&state.scopes, Some(code)),
    };
    let store = match store {
        Some(store) => store,
        None => {
            return errors_only(
                StatusCode::OK,
                &format!(
                    "Requested store is not found ({})",
                    code.unwrap_or_default()
                ),
                "graphql-input",
            );
        }
    };
    let token = crate::http::client::bearer_token(req.headers());
    let caller = match resolve_caller(&state.db, token, TokenRead::Owner).await {
        Ok((caller, _)) => caller,
        Err(e) => {
            let e = from_app(e);
            return errors_only(StatusCode::SERVICE_UNAVAILABLE, &e.message, "internal");
        }
    };
    let client = crate::http::client::client_ip(req);
    let context = Arc::new(RequestContext {
        state: state.get_ref().clone(),
        caller,
        store,
        ip: client.map(|ip| ip.to_string()).unwrap_or_default(),
        client,
        retry_after: AtomicU64::new(0),
    });
    let request = request.data(context.clone());
    Ok((
        request,
        Prepared {
            document,
            variables,
            context,
        },
    ))
}

/// A refusal made only of errors (the request never reached execution).
fn errors_only<T>(status: StatusCode, message: &str, category: &str) -> Result<T, Refusal> {
    Err(Box::new(crate::http::json::respond(
        status,
        &json!({"errors": [{"message": message, "extensions": {"category": category}}]}),
    )))
}

/// A webonyx SyntaxError as Magento's controller answers it: 400, the location, no category.
fn syntax_error<T>(description: &str, line: usize, column: usize) -> Result<T, Refusal> {
    Err(Box::new(crate::http::json::respond(
        StatusCode::BAD_REQUEST,
        &json!({"errors": [{"message": format!("Syntax Error: {description}"),
            "locations": [{"line": line, "column": column}]}]}),
    )))
}

/// webonyx's parser message for a document async-graphql's parser refused at `pos`: at the
/// end, a name was expected (an unclosed selection set, the common case); elsewhere the
/// token found there was unexpected.
fn parse_failure(query: &str, pos: async_graphql::Pos) -> String {
    let offset: usize = query
        .split_inclusive('\n')
        .take(pos.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + pos.column.saturating_sub(1);
    let rest = query.get(offset..).unwrap_or("").trim_start();
    let Some(first) = rest.chars().next() else {
        return "Expected Name, found <EOF>".to_owned();
    };
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == '-')
        .collect();
    if first.is_ascii_alphabetic() || first == '_' {
        format!("Unexpected Name \"{word}\"")
    } else if first.is_ascii_digit() || first == '-' {
        format!("Unexpected Int \"{word}\"")
    } else if first == '"' {
        "Unexpected String".to_owned()
    } else {
        format!("Unexpected {first}")
    }
}

fn is_mutation(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
    })
}
