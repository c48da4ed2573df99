//! Who is looking at a page: the store view its URL names, the signed-in customer behind the
//! session cookie, and the per-browser key that every form's CSRF token is bound to.
//!
//! The session cookie holds a customer token issued by `accounts::sign_in` (same throttle and
//! lockout as the API), resolved exactly as a bearer token is, so a revoked, expired or
//! password-changed token ends the page session too. Only its hash is stored.
//!
//! CSRF: a random `form_key` cookie per browser, and in every form the HMAC-SHA256 of the
//! session cookie's value under that key. A cross-site page can neither read the cookie nor
//! compute the field; the comparison is constant-time.

use super::error::PageError;
use actix_web::dev::Payload;
use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use customer_core::accounts::{self, Account};
use customer_core::auth::{AuthenticatedCustomer, StoreContext, TokenRead, resolve_caller};
use customer_core::state::AppState;
use futures_util::future::LocalBoxFuture;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "customer_session";
pub const FORM_KEY_COOKIE: &str = "form_key";
pub const FLASH_COOKIE: &str = "customer_flash";
/// The hidden form field that carries the CSRF token.
pub const FORM_KEY_FIELD: &str = "form_key";

/// One page request: the store view, the signed-in customer (if any) and the CSRF key.
pub struct Visit {
    pub store: StoreContext,
    /// The URL prefix of this store view: empty for the default one, `/<code>` for others.
    pub base: String,
    pub store_name: String,
    pub customer: Option<AuthenticatedCustomer>,
    session: Option<String>,
    /// The session cookie named a token that is no longer live: clear it.
    stale_session: bool,
    form_key: String,
    new_form_key: bool,
    pub flash: Option<String>,
    secure: bool,
}

/// The value of one cookie in the request's `Cookie` headers.
fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A cookie for the whole site, never readable by scripts.
fn set_cookie(name: &str, value: &str, max_age: Option<Duration>, secure: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

fn random_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The CSRF token of a form: HMAC-SHA256 of the session cookie's value (empty when signed
/// out) under the browser's form key.
fn form_token(form_key: &str, session: Option<&str>) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(form_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(b"customer-pages-form:");
    mac.update(session.unwrap_or_default().as_bytes());
    mac
}

impl Visit {
    async fn resolve(req: HttpRequest) -> Result<Self, PageError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| PageError::internal("application state missing"))?;
        let code = req.match_info().get("store_code");
        // `all` is the REST API's admin scope, not a storefront.
        let store = match code {
            Some("all") => None,
            code => StoreContext::resolve(&state.scopes, code),
        }
        .ok_or(PageError::NotFound)?;
        let base = code.map(|c| format!("/{c}")).unwrap_or_default();
        let store_name = state
            .scopes
            .groups
            .iter()
            .find(|g| {
                state
                    .scopes
                    .store(store.store_id)
                    .is_some_and(|s| s.group_id == g.group_id)
            })
            .map_or_else(|| "Store".to_owned(), |g| g.name.clone());

        let session = cookie(&req, SESSION_COOKIE).filter(|t| t.len() <= 128);
        let mut customer = None;
        if let Some(token) = &session {
            let (caller, account) =
                resolve_caller(&state.db, Some(token), TokenRead::WithAccount).await?;
            customer = AuthenticatedCustomer::of(&caller, &store, account).ok();
        }
        let stale_session = session.is_some() && customer.is_none();
        let session = session.filter(|_| customer.is_some());
        let existing_key = cookie(&req, FORM_KEY_COOKIE)
            .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()));
        let new_form_key = existing_key.is_none();
        Ok(Self {
            store,
            base,
            store_name,
            customer,
            session,
            stale_session,
            form_key: existing_key.unwrap_or_else(random_key),
            new_form_key,
            flash: cookie(&req, FLASH_COOKIE),
            secure: state.settings.session_cookie_secure,
        })
    }

    /// The CSRF token to put in this page's forms.
    pub fn csrf_token(&self) -> String {
        hex::encode(
            form_token(&self.form_key, self.session.as_deref())
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether a posted form carries this browser's token (a browser without the cookie
    /// cannot have a valid one).
    pub fn csrf_ok(&self, posted: Option<&str>) -> bool {
        let Some(bytes) = posted.and_then(|p| hex::decode(p).ok()) else {
            return false;
        };
        !self.new_form_key
            && form_token(&self.form_key, self.session.as_deref())
                .verify_slice(&bytes)
                .is_ok()
    }

    /// A path in this store view.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds the cookies this visit needs to a response.
    pub fn finish(&self, mut resp: HttpResponse) -> HttpResponse {
        for cookie in self.pending_cookies() {
            resp.headers_mut()
                .append(actix_web::http::header::SET_COOKIE, cookie);
        }
        resp
    }

    /// The cookies every answer to this visit sets: a new form key, clearing a stale session
    /// and a flash message once shown.
    pub fn pending_cookies(&self) -> Vec<HeaderValue> {
        let mut cookies = Vec::new();
        if self.new_form_key {
            cookies.push(set_cookie(
                FORM_KEY_COOKIE,
                &self.form_key,
                None,
                self.secure,
            ));
        }
        if self.stale_session {
            cookies.push(self.clear(SESSION_COOKIE));
        }
        if self.flash.is_some() {
            cookies.push(self.clear(FLASH_COOKIE));
        }
        cookies
    }

    fn clear(&self, name: &str) -> HeaderValue {
        set_cookie(name, "", Some(Duration::ZERO), self.secure)
    }

    /// The cookie that starts a session with this token.
    pub fn session_cookie(&self, token: &str, lifetime: Duration) -> HeaderValue {
        set_cookie(SESSION_COOKIE, token, Some(lifetime), self.secure)
    }

    /// The cookie that ends the session.
    pub fn end_session_cookie(&self) -> HeaderValue {
        self.clear(SESSION_COOKIE)
    }

    /// A one-shot notice shown by the next page (a fixed code, never free text).
    pub fn flash_cookie(&self, code: &str) -> HeaderValue {
        set_cookie(
            FLASH_COOKIE,
            code,
            Some(Duration::from_secs(60)),
            self.secure,
        )
    }
}

impl FromRequest for Visit {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(Self::resolve(req.clone()))
    }
}

/// The signed-in customer's account as read with the session; without one, the sign-in page.
pub(super) async fn signed_in(state: &AppState, visit: &Visit) -> Result<Arc<Account>, PageError> {
    let Some(me) = &visit.customer else {
        return Err(PageError::SignInFirst {
            login: visit.url("/customer/account/login/"),
            cookies: visit.pending_cookies(),
        });
    };
    Ok(accounts::own_account(state, me).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_bound_to_its_key_and_session() {
        let key = "ab".repeat(32);
        let token =
            |k: &str, s: Option<&str>| hex::encode(form_token(k, s).finalize().into_bytes());
        assert_eq!(token(&key, None), token(&key, None));
        assert_ne!(token(&key, None), token(&"cd".repeat(32), None));
        assert_ne!(token(&key, None), token(&key, Some("session")));
    }
}
