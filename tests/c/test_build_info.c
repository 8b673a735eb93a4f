/* ishare_backend and ishare_jwt_version: static strings naming this build,
 * compared with what scripts/test-c built (ISHARE_TEST_BACKEND: the backend
 * of the default features; ISHARE_TEST_VERSION: the workspace version). */
#include "harness.h"

#include <stdlib.h>

/* Checks that `got` is the value of the environment variable `name` (a
 * failed check when the variable is unset: the test must know the answer). */
static void check_against_env(const char *got, const char *name) {
    const char *want = getenv(name);
    if (CHECK(want != NULL && *want != '\0')) {
        CHECK_STR(got, want);
    }
}

void run_build_info_tests(void) {
    case_begin("ishare_backend names the build's RSA backend");
    const char *backend = ishare_backend();
    CHECK(backend != NULL);
    check_against_env(backend, "ISHARE_TEST_BACKEND");
    /* Static: the same pointer every time, readable after any other call. */
    CHECK(ishare_backend() == backend);
    case_end();

    case_begin("ishare_jwt_version is the workspace version");
    const char *version = ishare_jwt_version();
    CHECK(version != NULL);
    check_against_env(version, "ISHARE_TEST_VERSION");
    CHECK(ishare_jwt_version() == version);
    case_end();
}
