//! `GET /V1/directory/countries[/{countryId}]` and `GET /V1/directory/currency`

use crate::helpers::*;
use serde_json::json;

on_both_backends! {
    async fn countries_carry_iso_codes_names_and_magentos_region_ids(backend: Backend) {
        let app = spawn_app(backend).await;
        let all = app.call("GET", "/rest/V1/directory/countries", None, None).await;
        assert_eq!(all.status, 200);
        let list = all.body.as_array().unwrap();
        assert_eq!(list.len(), 251);
        let us = list.iter().find(|c| c["id"] == "US").unwrap();
        assert_eq!(us["three_letter_abbreviation"], "USA");
        assert_eq!(us["full_name_english"], "United States");
        assert_eq!(us["available_regions"].as_array().unwrap().len(), 65);
        assert!(us["available_regions"].as_array().unwrap().contains(&json!({"id": "43", "code": "NY", "name": "New York"})));
        let gb = list.iter().find(|c| c["id"] == "GB").unwrap();
        assert_eq!(gb, &json!({"id": "GB", "two_letter_abbreviation": "GB", "three_letter_abbreviation": "GBR",
            "full_name_locale": "United Kingdom", "full_name_english": "United Kingdom"}));

        let de = app.call("GET", "/rest/default/V1/directory/countries/de", None, None).await;
        assert_eq!(de.status, 200);
        assert_eq!(de.body["id"], "DE");
        assert_eq!(de.body["available_regions"][0], json!({"id": "80", "code": "BAW", "name": "Baden-Württemberg"}), "regions by name");
        let none = app.call("GET", "/rest/V1/directory/countries/ZZ", None, None).await;
        assert_eq!((none.status, none.body), (404, error("Requested country is not available.")));
    }
}

on_both_backends! {
    async fn currency_information_answers_the_stores_one_currency(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.call("GET", "/rest/default/V1/directory/currency", None, None).await;
        assert_eq!((reply.status, reply.body), (200, serde_json::json!({
            "base_currency_code": "USD", "base_currency_symbol": "$",
            "default_display_currency_code": "USD", "default_display_currency_symbol": "$",
            "available_currency_codes": ["USD"], "exchange_rates": [{"currency_to": "USD", "rate": 1.0}]})));
    }
}
