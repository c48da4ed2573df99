//! Magento 2.4.8's text validators (Customer/Model/Validator/Name.php, City.php,
//! Telephone.php, Street.php). Each applies its PCRE and fails only when there IS a first match
//! and that match differs from the whole value; a value without any allowed character passes.
//! The patterns are reproduced as Magento ships them, quirks included.

use crate::error::Violation;
use regex::Regex;
use std::sync::LazyLock;

/// One allowed character of a Magento pattern, and how many of them its `{1,N}` allows.
/// For a pattern `(?:[class]){1,N}`, the leftmost (greedy) match equals the whole value exactly
/// when every character is in the class and there are at most N of them; a value with no
/// allowed character at all has no match and passes. Checking that directly avoids compiling
/// an N-fold repetition of a Unicode class.
struct CharPattern {
    any: Regex,
    all: Regex,
    max_chars: usize,
}

impl CharPattern {
    fn new(class: &str, max_chars: usize) -> Self {
        Self {
            any: Regex::new(class).expect("character class"),
            all: Regex::new(&format!("^(?:{class})+$")).expect("character class"),
            max_chars,
        }
    }

    fn accepts(&self, value: &str) -> bool {
        !self.any.is_match(value)
            || (self.all.is_match(value) && value.chars().count() <= self.max_chars)
    }
}

/// `/(?:[\p{L}\p{M}\,\-\_\.\'’`&\s\d]){1,255}+/u`
static NAME: LazyLock<CharPattern> =
    LazyLock::new(|| CharPattern::new(r"[\p{L}\p{M},\-_.'’`&\s\d]", 255));

/// `/(?:[\p{L}\p{M}\s\-\']{1,100})/u`
static CITY: LazyLock<CharPattern> = LazyLock::new(|| CharPattern::new(r"[\p{L}\p{M}\s\-']", 100));

/// `/(?:[\d\s\+\-\()]{1,20})/u`
static TELEPHONE: LazyLock<CharPattern> = LazyLock::new(|| CharPattern::new(r"[\d\s+\-()]", 20));

/// `"/(?:[\p{L}\p{M}\"[],-.'’`&\s\d]){1,255}+/u"`: the class ends at the first `]`, so the
/// group is one letter/mark/quote/bracket followed by the literal run `,-` + any character +
/// `'’`&` + a space + a digit + `]`. Ordinary streets never match, so they pass. (The upper
/// bound of 255 repetitions is far beyond any stored street line and is left out.)
static STREET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?:[\p{L}\p{M}"\[],-.'’`&\s\d\])+"#).expect("street regex"));

fn first_match_is_whole(re: &Regex, value: &str) -> bool {
    match re.find(value) {
        None => true,
        Some(m) => m.start() == 0 && m.end() == value.len(),
    }
}

/// Magento's Name validator over a person's names: one `<Label> is not valid!` per bad name.
pub fn name_messages(firstname: &str, lastname: &str, middlename: Option<&str>) -> Vec<Violation> {
    [
        ("firstname", "First Name", Some(firstname)),
        ("lastname", "Last Name", Some(lastname)),
        ("middlename", "Middle Name", middlename),
    ]
    .into_iter()
    .filter(|(_, _, value)| value.is_some_and(|v| !is_valid_name(v)))
    .map(|(field, label, _)| Violation::new(field, format!("{label} is not valid!")))
    .collect()
}

/// Column limits (varchar 40/50/255), refused with a message rather than failing in the
/// database: one `"<Label>" cannot be longer than N characters.` per over-long value, given
/// as `(field, label, value, limit)`.
pub fn length_messages(limits: &[(&'static str, &str, Option<&str>, usize)]) -> Vec<Violation> {
    limits
        .iter()
        .filter(|(_, _, value, max)| value.is_some_and(|v| v.chars().count() > *max))
        .map(|(field, label, _, max)| {
            Violation::new(
                field,
                format!("\"{label}\" cannot be longer than {max} characters."),
            )
        })
        .collect()
}

/// Text the database cannot store: PostgreSQL refuses the NUL character in text. Refused here,
/// with a message, on both backends; given as `(field, label, value)`.
pub fn nul_messages(fields: &[(&'static str, &str, Option<&str>)]) -> Vec<Violation> {
    fields
        .iter()
        .filter(|(_, _, value)| value.is_some_and(|v| v.contains('\0')))
        .map(|(field, label, _)| {
            Violation::new(
                field,
                format!("\"{label}\" cannot contain the NUL character."),
            )
        })
        .collect()
}

/// First, middle and last names (`First Name is not valid!`).
pub fn is_valid_name(value: &str) -> bool {
    NAME.accepts(value)
}

/// `Invalid City. Please use A-Z, a-z, 0-9, -, ', spaces`
pub fn is_valid_city(value: &str) -> bool {
    CITY.accepts(value)
}

/// `Invalid Phone Number. Please use 0-9, +, -, (, ) and space.`
pub fn is_valid_telephone(value: &str) -> bool {
    TELEPHONE.accepts(value)
}

/// `Invalid Street Address. Please use A-Z, a-z, 0-9, , - . ' ’ ` & spaces`
pub fn is_valid_street(value: &str) -> bool {
    value.is_empty() || first_match_is_whole(&STREET, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_allow_letters_marks_digits_and_magentos_punctuation() {
        for ok in [
            "Jane",
            "O'Brien",
            "Jean-Luc",
            "Zoë",
            "José María",
            "D’Angelo",
            "A & B",
            "3rd",
        ] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["Jane<script>", "Ja;ne", "Ja/ne", "Jane!"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
        assert!(!is_valid_name(&"a".repeat(256)));
        assert!(is_valid_name(&"a".repeat(255)));
    }

    #[test]
    fn a_value_with_no_allowed_character_passes_as_in_magento() {
        assert!(is_valid_name("!!!"));
        assert!(is_valid_city("123"));
    }

    #[test]
    fn cities_and_phones_follow_their_patterns() {
        assert!(is_valid_city("Purchase"));
        assert!(is_valid_city("Saint-Étienne"));
        assert!(!is_valid_city("City 9"));
        assert!(is_valid_telephone("512-555-1111"));
        assert!(is_valid_telephone("+1 (512) 555 1111"));
        assert!(!is_valid_telephone("555-CALL"));
        assert!(!is_valid_telephone(&"1".repeat(21)));
    }

    #[test]
    fn ordinary_streets_pass_the_literal_street_pattern() {
        assert!(is_valid_street("123 Oak Ave"));
        assert!(is_valid_street("Flat 2/B, Rue de l'Église"));
    }
}
