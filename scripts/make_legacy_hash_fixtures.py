#!/usr/bin/env python3
# Python 3.11
# Requires: scripts/make_legacy_hash_fixtures.requirements.txt (argon2-cffi==25.1.0, PyNaCl==1.6.2)
# Run from the repository root: writes crates/core/tests/fixtures/legacy_hashes.json.
# Optional cross-check: PyNaCl==1.6.2 (bundles libsodium; crypto_pwhash is the
#   exact function PHP's sodium_crypto_pwhash calls). If it is importable every
#   Argon2 step is recomputed with it and must match argon2-cffi byte for byte.
#
# Generates crates/core/tests/fixtures/legacy_hashes.json: [{"form", "password", "hash"}], mirroring how
# Magento's PHP builds each stored password hash. Written independently of the
# Rust code in crates/core/src/auth/legacy_hash.rs.
#
# Magento 2 (lib/internal/Magento/Framework/Encryption/Encryptor.php):
#   getHash():        simple   -> hash(md5|sha256, $salt . $password) . ":" . $salt . ":" . $version
#                     argon    -> bin2hex(sodium_crypto_pwhash(SEEDBYTES=32, $password, salt16,
#                                 OPSLIMIT_INTERACTIVE=2, MEMLIMIT_INTERACTIVE=64MiB, ALG_ARGON2ID13))
#                     version 3 is written as "3_<seedBytes>_<opsLimit>_<memLimit>".
#   getArgonHash():   salt16 = str_pad($salt, 16, $salt) if shorter, substr($salt, 0, 16) if longer.
#   isValidHash():    $recreated = $password; foreach version: $recreated = step($recreated, $salt)
#                     (each step hashes the previous lowercase hex string with the SAME salt).
#   customer:hash:upgrade: getHash($oldHashHex, $salt, latest) and appends the new version.
# Magento 1 (Mage_Core_Model_Encryption): hash($salt . $password) . ":" . $salt, or unsalted
#   hash($password); md5 (CE), sha256 (EE / CE 1.9.3+), sha512 (OpenMage).
import hashlib
import json
import sys

from argon2.low_level import Type, hash_secret_raw

try:
    import nacl.pwhash.argon2id as nacl_argon2id  # libsodium cross-check
except ImportError:  # pragma: no cover
    nacl_argon2id = None

SODIUM_CRYPTO_SIGN_SEEDBYTES = 32
SODIUM_CRYPTO_PWHASH_SALTBYTES = 16
SODIUM_CRYPTO_PWHASH_OPSLIMIT_INTERACTIVE = 2
SODIUM_CRYPTO_PWHASH_MEMLIMIT_INTERACTIVE = 67108864

NACL_CHECKS = 0


def php_str_pad_salt(salt: bytes) -> bytes:
    """Encryptor::getArgonHash salt normalisation (str_pad / substr)."""
    n = SODIUM_CRYPTO_PWHASH_SALTBYTES
    if len(salt) < n:
        if not salt:
            raise ValueError("str_pad with empty pad string: PHP throws, Magento cannot verify")
        reps = n // len(salt) + 1
        return (salt * reps)[:n]
    return salt[:n]


def sodium_crypto_pwhash(outlen: int, password: bytes, salt16: bytes, ops: int, mem: int) -> bytes:
    """crypto_pwhash(..., ALG_ARGON2ID13): argon2id v1.3, 1 lane, m = memlimit / 1024 KiB."""
    global NACL_CHECKS
    out = hash_secret_raw(
        secret=password,
        salt=salt16,
        time_cost=ops,
        memory_cost=mem // 1024,
        parallelism=1,
        hash_len=outlen,
        type=Type.ID,
        version=19,
    )
    if nacl_argon2id is not None:
        ref = nacl_argon2id.kdf(outlen, password, salt16, opslimit=ops, memlimit=mem)
        if ref != out:
            raise SystemExit("argon2-cffi and libsodium disagree")
        NACL_CHECKS += 1
    return out


def step(version: str, data: str, salt: str) -> str:
    """One Magento 2 hashing step on a PHP string; returns lowercase hex."""
    d = data.encode("utf-8")
    s = salt.encode("utf-8")
    if version == "0":
        return hashlib.md5(s + d).hexdigest()
    if version == "1":
        return hashlib.sha256(s + d).hexdigest()
    if version == "2":
        return sodium_crypto_pwhash(
            SODIUM_CRYPTO_SIGN_SEEDBYTES,
            d,
            php_str_pad_salt(s),
            SODIUM_CRYPTO_PWHASH_OPSLIMIT_INTERACTIVE,
            SODIUM_CRYPTO_PWHASH_MEMLIMIT_INTERACTIVE,
        ).hex()
    if version.startswith("3_"):
        seed, ops, mem = (int(x) for x in version[2:].split("_"))
        return sodium_crypto_pwhash(seed, d, php_str_pad_salt(s), ops, mem).hex()
    raise ValueError(version)


def m2(password: str, salt: str, versions: list[str]) -> str:
    """Stored Magento 2 value after getHash + successive customer:hash:upgrade runs."""
    h = password
    for v in versions:
        h = step(v, h, salt)
    return ":".join([h, salt, ":".join(versions)])


AGNOSTIC = "3_%d_%d_%d" % (
    SODIUM_CRYPTO_SIGN_SEEDBYTES,
    SODIUM_CRYPTO_PWHASH_OPSLIMIT_INTERACTIVE,
    SODIUM_CRYPTO_PWHASH_MEMLIMIT_INTERACTIVE,
)  # "3_32_2_67108864"

SALT32 = "Kx9vQ2mLr7TzW4bN8cYp1sFh6JdG3aEu"  # Random::getRandomString(32) style
SALT_M1 = "Qz"  # Magento 1 CE customers used 2-char salts
PW = "Sup3r-Secret!"
PW_UTF8 = "pässwörd ünïcødé ✓"


def main() -> None:
    v = []

    def add(form, password, stored):
        v.append({"form": form, "password": password, "hash": stored})

    add("m2:0 md5", PW, m2(PW, SALT32, ["0"]))
    add("m2:1 sha256", PW, m2(PW, SALT32, ["1"]))
    add("m2:2 argon2id13 interactive", PW, m2(PW, SALT32, ["2"]))
    add("m2:3 agnostic " + AGNOSTIC, PW, m2(PW, SALT32, [AGNOSTIC]))
    add("m2:3 agnostic custom 3_16_3_16777216", PW, m2(PW, SALT32, ["3_16_3_16777216"]))
    add("m2:3 agnostic min 3_64_1_8192 short salt", PW, m2(PW, "abc", ["3_64_1_8192"]))
    add("m2:0:2 chain", PW, m2(PW, SALT32, ["0", "2"]))
    add("m2:1:2 chain", PW, m2(PW, SALT32, ["1", "2"]))
    add("m2:0:3 chain", PW, m2(PW, SALT32, ["0", AGNOSTIC]))
    add("m2:1:3 chain", PW, m2(PW, SALT32, ["1", AGNOSTIC]))
    add("m2:1:2:3 chain", PW, m2(PW, SALT32, ["1", "2", AGNOSTIC]))
    add("m2:0:2 chain, migrated M1 2-char salt", PW, m2(PW, SALT_M1, ["0", "2"]))
    add("m2:0:3 chain, migrated M1 2-char salt", PW, m2(PW, SALT_M1, ["0", AGNOSTIC]))
    add("m2:1 sha256 utf-8 password", PW_UTF8, m2(PW_UTF8, SALT32, ["1"]))
    add("m2:3 agnostic utf-8 password", PW_UTF8, m2(PW_UTF8, SALT32, [AGNOSTIC]))
    add("m2 no salt hash::1", PW, m2(PW, "", ["1"]))
    add("m2 no salt hash::0", PW, m2(PW, "", ["0"]))
    # Magento 1 / un-versioned forms
    add("m1 md5:salt", PW, hashlib.md5((SALT_M1 + PW).encode()).hexdigest() + ":" + SALT_M1)
    add("m1 md5:salt32", PW, hashlib.md5((SALT32 + PW).encode()).hexdigest() + ":" + SALT32)
    add("m1 md5 no salt", PW, hashlib.md5(PW.encode()).hexdigest())
    add("m1 sha256:salt", PW, hashlib.sha256((SALT32 + PW).encode()).hexdigest() + ":" + SALT32)
    add("m1 sha256 no salt", PW, hashlib.sha256(PW.encode()).hexdigest())
    add("m1 sha512:salt", PW, hashlib.sha512((SALT32 + PW).encode()).hexdigest() + ":" + SALT32)
    add("m1 sha512 no salt", PW, hashlib.sha512(PW.encode()).hexdigest())

    with open("crates/core/tests/fixtures/legacy_hashes.json", "w", encoding="utf-8") as f:
        json.dump(v, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(
        "wrote %d vectors; libsodium cross-checks: %d%s"
        % (len(v), NACL_CHECKS, "" if nacl_argon2id else " (PyNaCl not installed)"),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
