/* Times one bcrypt hash and one verification with the system's libcrypt (libxcrypt's
 * crypt_blowfish), the native reference for `customer-service hash-timing`.
 * Usage: crypt_timing COST SAMPLES; prints {"cost":..,"hash_ms":..,"verify_ms":..} (medians). */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int cost = argc > 1 ? atoi(argv[1]) : 12;
    int samples = argc > 2 ? atoi(argv[2]) : 9;
    /* The service hashes the hex SHA-256 of the password: 64 characters. */
    const char *key = "3f1d8c6a0b7e45f29d4c1a8e7b6f5d3c2a1908f7e6d5c4b3a29180f7e6d5c4b3";
    double *hashes = calloc(samples, sizeof(double)), *verifies = calloc(samples, sizeof(double));
    struct crypt_data data;
    char setting[CRYPT_GENSALT_OUTPUT_SIZE], stored[CRYPT_OUTPUT_SIZE];
    for (int i = 0; i < samples; i++) {
        double t = now_ms();
        if (!crypt_gensalt_rn("$2b$", cost, NULL, 0, setting, sizeof setting)) return 1;
        memset(&data, 0, sizeof data);
        char *h = crypt_rn(key, setting, &data, sizeof data);
        if (!h || h[0] == '*') return 1;
        hashes[i] = now_ms() - t;
        strcpy(stored, h);
    }
    for (int i = 0; i < samples; i++) {
        double t = now_ms();
        memset(&data, 0, sizeof data);
        char *h = crypt_rn(key, stored, &data, sizeof data);
        if (!h || strcmp(h, stored) != 0) return 1;
        verifies[i] = now_ms() - t;
    }
    qsort(hashes, samples, sizeof(double), cmp);
    qsort(verifies, samples, sizeof(double), cmp);
    printf("{\"cost\":%d,\"hash_ms\":%.2f,\"verify_ms\":%.2f}\n", cost, hashes[samples / 2], verifies[samples / 2]);
    return 0;
}
