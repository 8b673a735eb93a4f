// A C++ translation unit including the C header: it must compile with
// g++ -std=c++17 -Wall -Wextra -Werror and link against the library.
#include "ishare_jwt.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>

static_assert(ISHARE_STATUS_OK == 0, "success is 0");
static_assert(ISHARE_STATUS_REPLAY == 18, "stable numbers");
static_assert(ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN == 32, "stable numbers");
static_assert(ISHARE_STATUS_TOKEN_ENDPOINT == 33, "stable numbers");
static_assert(ISHARE_STATUS_CERTIFICATE_USAGE == 35, "stable numbers");
static_assert(ISHARE_STATUS_REPLAY_STORE == 36, "stable numbers");
static_assert(sizeof(ishare_status) == sizeof(std::uint32_t), "a 32-bit status");
static_assert(sizeof(ishare_token_step_kind) == sizeof(std::uint32_t), "a 32-bit kind");

namespace {

struct SignerDeleter {
    void operator()(ishare_signer *s) const noexcept { ishare_signer_free(s); }
};
struct VerifierDeleter {
    void operator()(ishare_verifier *v) const noexcept { ishare_verifier_free(v); }
};
struct JwtDeleter {
    void operator()(ishare_jwt *j) const noexcept { ishare_jwt_free(j); }
};
struct OAuthErrorDeleter {
    void operator()(ishare_oauth_error *o) const noexcept { ishare_oauth_error_free(o); }
};
using Signer = std::unique_ptr<ishare_signer, SignerDeleter>;
using OAuthError = std::unique_ptr<ishare_oauth_error, OAuthErrorDeleter>;
using Verifier = std::unique_ptr<ishare_verifier, VerifierDeleter>;
using Jwt = std::unique_ptr<ishare_jwt, JwtDeleter>;

std::string last_error() {
    std::string message(ishare_last_error(nullptr, 0), '\0');
    ishare_last_error(&message[0], message.size() + 1);
    return message;
}

}  // namespace

int main() {
    int failures = 0;
    const char *roots[] = {"78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"};
    ishare_verifier *raw = nullptr;
    if (ishare_verifier_new("EU.EORI.NL000000000", roots, 1, 0, &raw) != ISHARE_STATUS_OK) {
        failures++;
    }
    Verifier verifier(raw);
    ishare_assertion *assertion = nullptr;
    ishare_status status = ishare_verifier_verify(verifier.get(), "not.a.token", 1767225600,
                                                  nullptr, &assertion);
    if (std::string(ishare_status_kind(status)) != "malformed" || last_error().empty() ||
        assertion != nullptr) {
        failures++;
    }
    ishare_jwt *raw_jwt = nullptr;
    status = ishare_verifier_verify_jwt(verifier.get(), "not.a.token", 1767225600, nullptr,
                                        &raw_jwt);
    Jwt jwt(raw_jwt);
    if (std::string(ishare_status_str(status)) != "malformed" || jwt) {
        failures++;
    }
    ishare_anchor_list *anchors = nullptr;
    if (ishare_trusted_list_anchors(jwt.get(), &anchors) != ISHARE_STATUS_INVALID_ARGUMENT ||
        ishare_anchor_list_roots(anchors) != nullptr) {
        failures++;
    }
    Signer none;
    if (ishare_signer_from_pem(nullptr, nullptr, nullptr, nullptr) !=
        ISHARE_STATUS_INVALID_ARGUMENT) {
        failures++;
    }
    ishare_token_manager *manager = nullptr;
    if (ishare_token_manager_new(nullptr, 60, 0, &manager) != ISHARE_STATUS_INVALID_ARGUMENT ||
        manager != nullptr) {
        failures++;
    }
    ishare_oauth_error *raw_oauth = nullptr;
    if (ishare_oauth_error_for_status(ISHARE_STATUS_SIGNATURE, nullptr, &raw_oauth) !=
        ISHARE_STATUS_OK) {
        failures++;
    }
    OAuthError oauth(raw_oauth);
    if (ishare_oauth_error_status(oauth.get()) != 400 ||
        std::string(ishare_oauth_error_error(oauth.get())) != "invalid_client" ||
        std::string(ishare_token_response_header_value(1)) != "no-store") {
        failures++;
    }
    std::printf("c++: %s\n", failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
