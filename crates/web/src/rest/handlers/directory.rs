//! `GET /V1/directory/countries[/{countryId}]` (Magento CountryInformationAcquirer): the
//! allowed countries with their regions, so storefronts can build address forms.

use crate::http::ApiError;
use crate::http::json;
use actix_web::{HttpRequest, HttpResponse};
use customer_core::directory::{self, Country};
use customer_core::error::{AppError, Phrase};
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
