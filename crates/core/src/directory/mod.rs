//! Countries and regions as a fresh Magento 2.4.7/2.4.8 install numbers them.
//!
//! The region table is compiled in from `resources/directory/directory_country_region.csv`
//! (see `build.rs`), so region ids are Magento's own (US/NY = 43) and lookups cost no I/O.
//! Country rules (allowed list, state-required list, optional postcode) are Magento's defaults
//! (`general/country/allow`, `general/region/state_required`, `general/country/optional_zip_countries`).

/// One row of Magento's `directory_country_region` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub id: u32,
    pub country_id: &'static str,
    pub code: &'static str,
    pub name: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/regions.rs"));

/// A country Magento knows: ISO 3166 codes and its English (CLDR) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub id: &'static str,
    pub iso3: &'static str,
    pub name: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/countries.rs"));

/// The allowed countries, ordered by id (Magento's collection order).
pub fn allowed_countries() -> impl Iterator<Item = &'static Country> {
    let mut list: Vec<&'static Country> = COUNTRIES
        .iter()
        .filter(|c| is_country_allowed(c.id))
        .collect();
    list.sort_by_key(|c| c.id);
    list.into_iter()
}

/// An allowed country by its two-letter id, matched case-insensitively as MySQL's collation does.
pub fn allowed_country(id: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id) && is_country_allowed(c.id))
}

/// `general/country/allow` default (Directory/etc/config.xml, unchanged 2.4.0-2.4.8).
const ALLOWED_COUNTRIES: &[&str] = &[
    "AF", "AL", "DZ", "AS", "AD", "AO", "AI", "AQ", "AG", "AR", "AM", "AW", "AU", "AT", "AX", "AZ",
    "BS", "BH", "BD", "BB", "BY", "BE", "BZ", "BJ", "BM", "BL", "BT", "BO", "BQ", "BA", "BW", "BV",
    "BR", "IO", "VG", "BN", "BG", "BF", "BI", "KH", "CM", "CA", "CD", "CV", "KY", "CF", "TD", "CL",
    "CN", "CX", "CW", "CC", "CO", "KM", "CG", "CK", "CR", "HR", "CU", "CY", "CZ", "DK", "DJ", "DM",
    "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "ET", "FK", "FO", "FJ", "FI", "FR", "GF", "PF", "TF",
    "GA", "GM", "GE", "DE", "GG", "GH", "GI", "GR", "GL", "GD", "GP", "GU", "GT", "GN", "GW", "GY",
    "HT", "HM", "HN", "HK", "HU", "IS", "IM", "IN", "ID", "IR", "IQ", "IE", "IL", "IT", "CI", "JE",
    "JM", "JP", "JO", "KZ", "KE", "KI", "KW", "KG", "LA", "LV", "LB", "LS", "LR", "LY", "LI", "LT",
    "LU", "ME", "MF", "MO", "MK", "MG", "MW", "MY", "MV", "ML", "MT", "MH", "MQ", "MR", "MU", "YT",
    "FX", "MX", "FM", "MD", "MC", "MN", "MS", "MA", "MZ", "MM", "NA", "NR", "NP", "NL", "AN", "NC",
    "NZ", "NI", "NE", "NG", "NU", "NF", "KP", "MP", "NO", "OM", "PK", "PW", "PA", "PG", "PY", "PE",
    "PH", "PN", "PL", "PS", "PT", "PR", "QA", "RE", "RO", "RS", "RU", "RW", "SH", "KN", "LC", "PM",
    "VC", "WS", "SM", "ST", "SA", "SN", "SC", "SL", "SG", "SK", "SI", "SB", "SO", "ZA", "GS", "KR",
    "ES", "LK", "SD", "SR", "SJ", "SZ", "SE", "CH", "SX", "SY", "TL", "TW", "TJ", "TZ", "TH", "TG",
    "TK", "TO", "TT", "TN", "TR", "TM", "TC", "TV", "VI", "UG", "UA", "AE", "GB", "US", "UM", "UY",
    "UZ", "VU", "VA", "VE", "VN", "WF", "EH", "XK", "YE", "ZM", "ZW",
];

/// `general/region/state_required` on a fresh 2.4.7/2.4.8 install.
const STATE_REQUIRED_COUNTRIES: &[&str] = &[
    "US", "CA", "CH", "ES", "RO", "EE", "LV", "LT", "BR", "AL", "AR", "HR", "IN", "AU", "BY", "BE",
    "BO", "BG", "CL", "CN", "CO", "CR", "CZ", "DK", "EC", "GR", "GY", "IS", "IT", "MX", "PY", "PE",
    "PL", "PT", "SR", "SE", "UA", "UY", "VE",
];

/// `general/country/optional_zip_countries` default.
const OPTIONAL_ZIP_COUNTRIES: &[&str] = &["HK", "IE", "MO", "PA", "GB"];

/// Whether addresses may use this country (exact, case-sensitive, as Magento compares).
pub fn is_country_allowed(country_id: &str) -> bool {
    // A sorted copy, searched in halves: an import asks once per address, and a scan of the
    // 251 codes showed in its profile.
    static SORTED: std::sync::LazyLock<Vec<&str>> = std::sync::LazyLock::new(|| {
        let mut codes = ALLOWED_COUNTRIES.to_vec();
        codes.sort_unstable();
        codes
    });
    SORTED.binary_search(&country_id).is_ok()
}

/// The countries whose addresses must name a region (Magento's `general/region/state_required`).
pub fn state_required_countries() -> &'static [&'static str] {
    STATE_REQUIRED_COUNTRIES
}

/// The countries whose addresses may omit the postcode (`general/country/optional_zip_countries`).
pub fn optional_zip_countries() -> &'static [&'static str] {
    OPTIONAL_ZIP_COUNTRIES
}

/// Whether an address in this country must name a region.
pub fn is_state_required(country_id: &str) -> bool {
    STATE_REQUIRED_COUNTRIES.contains(&country_id)
}

/// Whether an address in this country may omit the postcode.
pub fn is_postcode_optional(country_id: &str) -> bool {
    OPTIONAL_ZIP_COUNTRIES.contains(&country_id)
}

/// The country's regions in id order (empty when Magento keeps no list for it).
pub fn regions_of(country_id: &str) -> impl Iterator<Item = &'static Region> + '_ {
    REGIONS_BY_COUNTRY
        .get(country_id)
        .into_iter()
        .flatten()
        .copied()
}

/// The regions of each country, in id order: an import looks one up for every address.
static REGIONS_BY_COUNTRY: std::sync::LazyLock<
    std::collections::HashMap<&'static str, Vec<&'static Region>>,
> = std::sync::LazyLock::new(|| {
    let mut by_country: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for r in REGIONS.iter() {
        by_country.entry(r.country_id).or_default().push(r);
    }
    by_country
});

/// Every region, in id order.
pub fn all_regions() -> impl Iterator<Item = &'static Region> {
    REGIONS.iter()
}

/// Whether Magento keeps a region list for this country.
pub fn has_regions(country_id: &str) -> bool {
    regions_of(country_id).next().is_some()
}

/// A region by Magento id.
pub fn region_by_id(id: u32) -> Option<&'static Region> {
    // Ids ascend (build.rs asserts it), so a binary search is exact.
    REGIONS
        .binary_search_by_key(&id, |r| r.id)
        .ok()
        .map(|i| &REGIONS[i])
}

/// Finds a country's region from what a client typed: its code or its name.
///
/// An exact code wins, then a case-insensitive code, then a case-insensitive name. Where codes
/// repeat (US `AE` is four regions) the lowest id wins, which is what MySQL's unordered lookup
/// yields on a fresh install.
pub fn find_region(country_id: &str, code_or_name: &str) -> Option<&'static Region> {
    let wanted = code_or_name.trim();
    if wanted.is_empty() {
        return None;
    }
    let lower = wanted.to_lowercase();
    // One pass; `rank` keeps the best kind of match so far (an import looks up every row).
    let mut best: Option<(u8, &'static Region)> = None;
    for r in regions_of(country_id) {
        let rank = if r.code == wanted {
            0
        } else if same_lowercase(r.code, &lower) {
            1
        } else if same_lowercase(r.name, &lower) {
            2
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, r));
        }
        if rank == 0 {
            break;
        }
    }
    best.map(|(_, r)| r)
}

/// Whether `text` lower-cased is `lower`, without allocating for ASCII text.
fn same_lowercase(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.len() == lower.len() && text.eq_ignore_ascii_case(lower)
    } else {
        text.to_lowercase() == lower
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_ids_are_magentos() {
        assert_eq!(REGIONS.len(), 1156);
        let ny = region_by_id(43).unwrap();
        assert_eq!((ny.country_id, ny.code, ny.name), ("US", "NY", "New York"));
        assert_eq!(region_by_id(4).unwrap().name, "Arizona");
        assert_eq!(region_by_id(66).unwrap().name, "Alberta");
        assert_eq!(region_by_id(1156).unwrap().code, "LA");
        assert!(region_by_id(0).is_none());
        assert!(region_by_id(1157).is_none());
    }

    #[test]
    fn quoted_csv_fields_keep_their_commas() {
        assert_eq!(region_by_id(757).unwrap().name, "Praha, Hlavní město");
    }

    #[test]
    fn regions_are_found_by_code_or_name() {
        assert_eq!(find_region("US", "NY").unwrap().id, 43);
        assert_eq!(find_region("US", "ny").unwrap().id, 43);
        assert_eq!(find_region("US", "new york").unwrap().id, 43);
        assert_eq!(find_region("US", "AE").unwrap().id, 6);
        assert!(find_region("CA", "NY").is_none());
        assert!(find_region("US", " ").is_none());
    }

    #[test]
    fn every_allowed_country_has_codes_and_a_name() {
        assert_eq!(allowed_countries().count(), 251);
        let us = allowed_country("us").unwrap();
        assert_eq!((us.id, us.iso3, us.name), ("US", "USA", "United States"));
        assert_eq!(allowed_country("XK").unwrap().iso3, "XKX");
        assert!(allowed_country("ZZ").is_none());
    }

    #[test]
    fn country_rules_follow_magento_defaults() {
        assert!(is_country_allowed("US"));
        assert!(!is_country_allowed("us"));
        assert!(!is_country_allowed("ZZ"));
        assert!(is_state_required("US"));
        assert!(!is_state_required("DE"));
        assert!(has_regions("DE"));
        assert!(!has_regions("GB"));
        assert!(is_postcode_optional("GB"));
        assert_eq!(ALLOWED_COUNTRIES.len(), 251);
    }
}
