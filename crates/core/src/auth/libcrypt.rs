//! bcrypt through the system's libcrypt (libxcrypt on Debian: Solar Designer's
//! `crypt_blowfish`, the implementation OpenBSD-derived tools and PHP's `password_hash` share).
//! A small safe wrapper over `crypt_rn` and `crypt_gensalt_rn`: the only `unsafe` is the two
//! calls, each given buffers of the sizes `<crypt.h>` declares.
//!
//! Why not a Rust crate: the `bcrypt` crate executes as many instructions as libxcrypt
//! (callgrind: 124.6 M against 125.9 M for a hash and a verify at cost 8) but runs 10-15 %
//! slower per hash (`blowfish` encrypts each block in an out-of-line call, packing both halves
//! into one register on the critical path), and every sign-in pays that. libcrypt is on every
//! Debian system (`libcrypt1` is required by `login`), so the binding adds no package.

use std::ffi::{CStr, CString, c_char, c_int, c_ulong, c_void};

/// `sizeof(struct crypt_data)` in `<crypt.h>`: output 384, setting 384, input 512,
/// reserved 767, initialized 1, internal 30720.
const CRYPT_DATA_SIZE: usize = 32768;
/// `CRYPT_GENSALT_OUTPUT_SIZE` in `<crypt.h>`.
const GENSALT_OUTPUT_SIZE: usize = 192;

#[expect(unsafe_code, reason = "the two libcrypt functions this module wraps")]
#[link(name = "crypt")]
unsafe extern "C" {
    fn crypt_rn(
        phrase: *const c_char,
        setting: *const c_char,
        data: *mut c_void,
        size: c_int,
    ) -> *mut c_char;
    fn crypt_gensalt_rn(
        prefix: *const c_char,
        count: c_ulong,
        rbytes: *const c_char,
        nrbytes: c_int,
        output: *mut c_char,
        output_size: c_int,
    ) -> *mut c_char;
}

/// Why a hash could not be made.
#[derive(Debug, thiserror::Error)]
#[error("bcrypt through libcrypt failed: {0}")]
pub struct CryptError(&'static str);

/// `crypt_rn(phrase, setting)`: the hash of `phrase` with the algorithm, cost and salt that
/// `setting` (a full hash or a prefix from `crypt_gensalt_rn`) names; `None` when libcrypt
/// refuses the setting or the phrase (a NUL byte, an unknown algorithm).
pub fn crypt(phrase: &str, setting: &str) -> Option<String> {
    let phrase = CString::new(phrase).ok()?;
    let setting = CString::new(setting).ok()?;
    // Zeroed, as `crypt_rn` requires of a fresh `crypt_data` (32 KiB: on the heap).
    let mut data = vec![0u8; CRYPT_DATA_SIZE];
    // SAFETY: both strings are NUL-terminated and live through the call; `data` is writable
    // for the size given, which is `sizeof(struct crypt_data)`. The result, when not null,
    // points into `data` (a NUL-terminated string), read before `data` is dropped.
    #[expect(unsafe_code, reason = "the FFI call; see SAFETY")]
    let out = unsafe {
        crypt_rn(
            phrase.as_ptr(),
            setting.as_ptr(),
            data.as_mut_ptr().cast(),
            CRYPT_DATA_SIZE as c_int,
        )
    };
    if out.is_null() {
        return None;
    }
    // SAFETY: see above; `out` is a NUL-terminated string inside `data`.
    #[expect(unsafe_code, reason = "reads the FFI result; see SAFETY")]
    let hash = unsafe { CStr::from_ptr(out) }.to_str().ok()?.to_owned();
    // libcrypt marks failures with a string starting with `*` when it cannot return null.
    (!hash.starts_with('*')).then_some(hash)
}

/// A new bcrypt hash (`$2b$`, the given cost, 16 random bytes of salt) of `phrase`.
pub fn bcrypt_hash(phrase: &str, cost: u32) -> Result<String, CryptError> {
    if !(4..=31).contains(&cost) {
        return Err(CryptError("the cost is outside 4..=31"));
    }
    let salt: [u8; 16] = rand::random();
    let mut setting = [0u8; GENSALT_OUTPUT_SIZE];
    // SAFETY: the prefix is a NUL-terminated literal; `salt` holds the 16 bytes given;
    // `setting` is writable for the size given.
    #[expect(unsafe_code, reason = "the FFI call; see SAFETY")]
    let made = unsafe {
        crypt_gensalt_rn(
            c"$2b$".as_ptr(),
            c_ulong::from(cost),
            salt.as_ptr().cast(),
            salt.len() as c_int,
            setting.as_mut_ptr().cast(),
            GENSALT_OUTPUT_SIZE as c_int,
        )
    };
    if made.is_null() {
        return Err(CryptError("crypt_gensalt_rn refused the setting"));
    }
    let setting = CStr::from_bytes_until_nul(&setting)
        .ok()
        .and_then(|s| s.to_str().ok())
        .ok_or(CryptError("crypt_gensalt_rn wrote no string"))?;
    crypt(phrase, setting).ok_or(CryptError("crypt_rn refused the phrase"))
}

/// Whether `phrase` matches the bcrypt hash `stored` (`$2b$`, `$2y$` or `$2a$`), compared in
/// constant time.
pub fn bcrypt_verify(phrase: &str, stored: &str) -> bool {
    use subtle::ConstantTimeEq;
    if !(stored.starts_with("$2b$") || stored.starts_with("$2y$") || stored.starts_with("$2a$")) {
        return false;
    }
    crypt(phrase, stored).is_some_and(|h| bool::from(h.as_bytes().ct_eq(stored.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_in_every_bcrypt_prefix() {
        let hash = bcrypt_hash("Password1", 4).unwrap();
        assert!(hash.starts_with("$2b$04$") && hash.len() == 60, "{hash}");
        assert!(bcrypt_verify("Password1", &hash));
        assert!(!bcrypt_verify("Password2", &hash));
        // The same hash under PHP's `$2y$` and the older `$2a$` prefix (identical for ASCII).
        for prefix in ["$2y$", "$2a$"] {
            let other = format!("{prefix}{}", &hash[4..]);
            assert!(bcrypt_verify("Password1", &other), "{other}");
        }
        // OpenBSD's test vector.
        assert!(bcrypt_verify(
            "U*U",
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
        ));
        assert!(!bcrypt_verify("Password1", "not a hash"));
        assert!(!bcrypt_verify("Password1", ""));
    }
}
