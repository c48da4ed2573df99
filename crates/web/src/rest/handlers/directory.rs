//! `GET /V1/directory/countries[/{countryId}]` (Magento CountryInformationAcquirer): the
//! allowed countries with their regions, so storefronts can build address forms; and
//! `GET /V1/directory/currency` (CurrencyInformationAcquirer): the store's one currency.

use crate::http::ApiError;
use crate::http::json;
use actix_web::{HttpRequest, HttpResponse, web};
use customer_core::accounts::storefront;
use customer_core::directory::{self, Country};
use customer_core::error::{AppError, Phrase};
use customer_core::state::AppState;
use serde::Serialize;

#[derive(Serialize)]
struct RegionInformation {
    /// Magento declares the id a string.
    id: String,
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct CountryInformation {
    id: &'static str,
    two_letter_abbreviation: &'static str,
    three_letter_abbreviation: &'static str,
    full_name_locale: &'static str,
    full_name_english: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    available_regions: Option<Vec<RegionInformation>>,
}

fn information(c: &'static Country) -> CountryInformation {
    let mut regions: Vec<RegionInformation> = directory::regions_of(c.id)
        .map(|r| RegionInformation {
            id: r.id.to_string(),
            code: r.code,
            name: r.name,
        })
        .collect();
    regions.sort_by(|a, b| a.name.cmp(b.name));
    CountryInformation {
        id: c.id,
        two_letter_abbreviation: c.id,
        three_letter_abbreviation: c.iso3,
        full_name_locale: c.name,
        full_name_english: c.name,
        available_regions: (!regions.is_empty()).then_some(regions),
    }
}

/// `GET /V1/directory/countries`
pub async fn countries() -> HttpResponse {
    let list: Vec<CountryInformation> = directory::allowed_countries().map(information).collect();
    json::ok(&list)
}

/// `GET /V1/directory/countries/{countryId}`
pub async fn country(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    directory::allowed_country(&crate::rest::extract::path_param(&req, "countryId")?)
        .map(|c| json::ok(&information(c)))
        .ok_or_else(|| {
            AppError::NotFound(Phrase::new("Requested country is not available.")).into()
        })
}

#[derive(Serialize)]
struct ExchangeRate {
    currency_to: String,
    rate: f64,
}

/// `Directory\Api\Data\CurrencyInformationInterface`, its getters in order.
#[derive(Serialize)]
struct CurrencyInformation {
    base_currency_code: String,
    base_currency_symbol: String,
    default_display_currency_code: String,
    default_display_currency_symbol: String,
    available_currency_codes: Vec<String>,
    exchange_rates: Vec<ExchangeRate>,
}

/// `GET /V1/directory/currency`: one currency (STORE_CURRENCY), so its one rate, to itself, is 1.
pub async fn currency(state: web::Data<AppState>) -> HttpResponse {
    let code = state.settings.store_currency.clone();
    let symbol = storefront::currency_symbol(&code);
    json::ok(&CurrencyInformation {
        base_currency_symbol: symbol.clone(),
        default_display_currency_code: code.clone(),
        default_display_currency_symbol: symbol,
        available_currency_codes: vec![code.clone()],
        exchange_rates: vec![ExchangeRate {
            currency_to: code.clone(),
            rate: 1.0,
        }],
        base_currency_code: code,
    })
}
