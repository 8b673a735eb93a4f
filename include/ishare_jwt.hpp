/*
 * ishare_jwt.hpp: C++17 layer over the C ABI of ishare-jwt (ishare_jwt.h),
 * header-only. Sign and verify iSHARE client assertions with RAII handles
 * (move-only, freed by their destructor), std::string_view in, std::string
 * out, and every failure thrown as ishare::Error.
 *
 *     auto signer = ishare::Signer::from_pem(key_pem, chain_pem, "EU.EORI.NL000000001");
 *     std::string token = signer.client_assertion("EU.EORI.NL000000000");
 *
 *     // signer.not_after(): alert before it; signer.warnings(): what some verifiers refuse
 *
 *     ishare::Verifier verifier("EU.EORI.NL000000000", {root_sha256_or_pem}, 5);
 *     ishare::Assertion a = verifier.verify(token, std::nullopt, "EU.EORI.NL000000001");
 *     // a.client_id(), a.jti(), a.issued_at(), a.expires_at(), a.leaf_sha256()
 *     std::string why = verifier.explain(token);  // every rule, as JSON
 *
 * Written by hand (ishare_jwt.h is generated); link either CMake target of an
 * installed tree (ishare_jwt::ishare_jwt or ishare_jwt::static). Signers and
 * verifiers are thread-safe, as their C handles are. Everything else of the
 * C API (ishare_backend(), the JWT and token functions) is one include away:
 * this header includes ishare_jwt.h.
 */
#ifndef ISHARE_JWT_HPP
#define ISHARE_JWT_HPP

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ishare_jwt.h"

namespace ishare {

/* A failure of the library: one of its stable error kinds and the detail
 * message (what was wrong: which claim, expected vs found). */
class Error : public std::exception {
public:
    Error(ishare_status status, std::string detail)
        : status_(status), kind_(ishare_status_kind(status)), detail_(std::move(detail)) {}

    /* The detail message. */
    const char *what() const noexcept override { return detail_.c_str(); }
    /* The kind's stable name: "expired", "replay", ... (as every binding). */
    const std::string &kind() const noexcept { return kind_; }
    /* The kind's stable number, the C status (16 for "expired"). */
    std::uint32_t code() const noexcept { return static_cast<std::uint32_t>(status_); }

private:
    ishare_status status_;
    std::string kind_;
    std::string detail_;
};

namespace detail {

/* This thread's detail message of the last failed C call. */
inline std::string last_error() {
    std::string message(ishare_last_error(nullptr, 0), '\0');
    if (!message.empty()) {
        ishare_last_error(message.data(), message.size() + 1);
    }
    return message;
}

inline void check(ishare_status status) {
    if (status != ISHARE_STATUS_OK) {
        throw Error(status, last_error());
    }
}

/* `text` as a NUL-terminated copy; a NUL inside would silently cut the
 * text short in C, so it is refused. */
inline std::string c_string(std::string_view text, const char *name) {
    if (text.find('\0') != std::string_view::npos) {
        throw Error(ISHARE_STATUS_INVALID_ARGUMENT, std::string(name) + " contains a NUL byte");
    }
    return std::string(text);
}

/* `now` for C: std::nullopt is the system clock (-1 there); a negative time
 * cannot be passed through, so it is refused. */
inline std::int64_t c_now(std::optional<std::int64_t> now) {
    if (!now) {
        return -1;
    }
    if (*now < 0) {
        throw Error(ISHARE_STATUS_INVALID_ARGUMENT,
                    "now must be a Unix time >= 0 (std::nullopt means the system clock), got " +
                        std::to_string(*now));
    }
    return *now;
}

struct SignerFree {
    void operator()(ishare_signer *signer) const noexcept { ishare_signer_free(signer); }
};
struct VerifierFree {
    void operator()(ishare_verifier *verifier) const noexcept { ishare_verifier_free(verifier); }
};
struct AssertionFree {
    void operator()(ishare_assertion *assertion) const noexcept {
        ishare_assertion_free(assertion);
    }
};
struct StringFree {
    void operator()(char *text) const noexcept { ishare_string_free(text); }
};

/* Takes over a string the library handed over (char ** out-parameter):
 * copied, then freed with ishare_string_free, also if the copy throws. */
inline std::string taken(char *text) {
    const std::unique_ptr<char, StringFree> owned(text);
    return owned ? std::string(owned.get()) : std::string();
}

/* A moved-from handle, for the calls whose C function has no status to
 * say so. */
[[noreturn]] inline void moved_from(const char *what) {
    throw Error(ISHARE_STATUS_INVALID_ARGUMENT,
                std::string(what) + " is empty (moved from); use the object it was moved to");
}

/* The first buffer for a token: room for a 4096-bit key's token with a
 * three-certificate chain (about 7 KiB). A longer one costs a second
 * signature. (A variable only so that a test can take that second path.) */
inline std::size_t token_capacity = 8192;

/* A string the library lends (never NULL for a live handle). */
inline std::string lent(const char *text) { return text != nullptr ? std::string(text) : std::string(); }

}  // namespace detail

/* A client assertion that passed every check of Verifier::verify; plain
 * values, independent of the verifier. */
class Assertion {
public:
    /* The party that signed: iss = sub = the leaf certificate's party. */
    const std::string &client_id() const noexcept { return client_id_; }
    /* The token id, unique per token of that party. */
    const std::string &jti() const noexcept { return jti_; }
    /* iat and exp, Unix seconds. */
    std::int64_t issued_at() const noexcept { return issued_at_; }
    std::int64_t expires_at() const noexcept { return expires_at_; }
    /* SHA-256 of the leaf certificate (x5c[0]), upper-case hex. */
    const std::string &leaf_sha256() const noexcept { return leaf_sha256_; }

private:
    friend class Verifier;
    explicit Assertion(const ishare_assertion *a)
        : client_id_(detail::lent(ishare_assertion_client_id(a))),
          jti_(detail::lent(ishare_assertion_jti(a))),
          issued_at_(ishare_assertion_issued_at(a)),
          expires_at_(ishare_assertion_expires_at(a)),
          leaf_sha256_(detail::lent(ishare_assertion_leaf_sha256(a))) {}

    std::string client_id_;
    std::string jti_;
    std::int64_t issued_at_;
    std::int64_t expires_at_;
    std::string leaf_sha256_;
};

/* A private key and its certificate chain, loaded once; signs client
 * assertions for its party. Move-only; a moved-from signer throws
 * invalid_argument when used. */
class Signer {
public:
    /* key_pem: PKCS#8 or PKCS#1 PEM; chain_pem: the chain, leaf first;
     * client_id: the party the leaf names (EU.EORI.… or did:ishare:…). */
    static Signer from_pem(std::string_view key_pem, std::string_view chain_pem,
                           std::string_view client_id) {
        const std::string key = detail::c_string(key_pem, "key_pem");
        const std::string chain = detail::c_string(chain_pem, "chain_pem");
        const std::string id = detail::c_string(client_id, "client_id");
        ishare_signer *raw = nullptr;
        detail::check(ishare_signer_from_pem(key.c_str(), chain.c_str(), id.c_str(), &raw));
        return Signer(raw);
    }

    /* A client assertion for `audience` (the receiving party's id), issued
     * at `now` (Unix seconds; the system clock when absent) with token id
     * `jti` (a fresh UUID v4 when absent). */
    std::string client_assertion(std::string_view audience,
                                 std::optional<std::int64_t> now = std::nullopt,
                                 std::optional<std::string_view> jti = std::nullopt) const {
        const std::string aud = detail::c_string(audience, "audience");
        const std::int64_t when = detail::c_now(now);
        std::optional<std::string> id;
        if (jti) {
            id = detail::c_string(*jti, "jti");
        }
        // A bigger token is told the size it needs and signed again.
        std::string token(detail::token_capacity, '\0');
        for (;;) {
            std::size_t len = 0;
            const ishare_status status = ishare_signer_client_assertion(
                handle_.get(), aud.c_str(), when, id ? id->c_str() : nullptr, token.data(),
                token.size(), &len);
            if (status == ISHARE_STATUS_BUFFER_TOO_SMALL && len >= token.size()) {
                token.assign(len + 1, '\0');
                continue;
            }
            detail::check(status);
            token.resize(len);
            return token;
        }
    }

    /* The last second (Unix) at which every certificate of the chain is
     * valid: alert before it and renew the certificate. */
    std::int64_t not_after() const {
        if (!handle_) {
            detail::moved_from("signer");
        }
        return ishare_signer_not_after(handle_.get());
    }

    /* What loaded but some verifiers refuse (a chain without its root,
     * which verifiers trusting by SHA-256 fingerprint — the iSHARE way —
     * refuse), one sentence with its fix each; empty when every verifier
     * accepts the chain. */
    std::vector<std::string> warnings() const {
        char *raw = nullptr;
        detail::check(ishare_signer_warnings(handle_.get(), &raw));
        const std::string text = detail::taken(raw);
        std::vector<std::string> lines;
        for (std::size_t start = 0; start < text.size();) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            lines.emplace_back(text, start, end - start);
            start = end + 1;
        }
        return lines;
    }

    Signer(Signer &&) noexcept = default;
    Signer &operator=(Signer &&) noexcept = default;
    Signer(const Signer &) = delete;
    Signer &operator=(const Signer &) = delete;

private:
    explicit Signer(ishare_signer *raw) noexcept : handle_(raw) {}
    std::unique_ptr<ishare_signer, detail::SignerFree> handle_;
};

/* Verifies client assertions addressed to one audience (our own party id)
 * and refuses a token it accepted before (replay). Move-only; a moved-from
 * verifier throws invalid_argument when used. */
class Verifier {
public:
    /* trusted_roots: PEM CA certificates or 64-hex SHA-256 fingerprints (at
     * least one); leeway: allowed clock skew in seconds (at most 300). */
    Verifier(std::string_view audience, const std::vector<std::string> &trusted_roots,
             std::uint32_t leeway = 0) {
        const std::string aud = detail::c_string(audience, "audience");
        std::vector<const char *> roots;
        roots.reserve(trusted_roots.size());
        for (const std::string &root : trusted_roots) {
            if (root.find('\0') != std::string::npos) {
                throw Error(ISHARE_STATUS_INVALID_ARGUMENT, "a trusted root contains a NUL byte");
            }
            roots.push_back(root.c_str());
        }
        ishare_verifier *raw = nullptr;
        detail::check(ishare_verifier_new(aud.c_str(), roots.data(), roots.size(), leeway, &raw));
        handle_.reset(raw);
    }

    /* Verifies `token` at `now` (Unix seconds; the system clock when
     * absent); `client_id` is the client_id form parameter sent with it, if
     * any. Remembers the accepted token: a second use throws "replay". */
    Assertion verify(std::string_view token, std::optional<std::int64_t> now = std::nullopt,
                     std::optional<std::string_view> client_id = std::nullopt) const {
        const std::string jwt = detail::c_string(token, "token");
        const std::int64_t when = detail::c_now(now);
        std::optional<std::string> id;
        if (client_id) {
            id = detail::c_string(*client_id, "client_id");
        }
        ishare_assertion *raw = nullptr;
        detail::check(ishare_verifier_verify(handle_.get(), jwt.c_str(), when,
                                             id ? id->c_str() : nullptr, &raw));
        const std::unique_ptr<ishare_assertion, detail::AssertionFree> assertion(raw);
        return Assertion(assertion.get());
    }

    /* Why `token` is accepted or refused: every rule verify() applies,
     * each on its own, as one JSON object ({"verdict", "kind", "rules",
     * "header", "claims", "chain"}; verdict and kind exactly verify()'s).
     * A refused token is a report, not an exception; records no replay and
     * is never the authorisation decision. */
    std::string explain(std::string_view token, std::optional<std::int64_t> now = std::nullopt,
                        std::optional<std::string_view> client_id = std::nullopt) const {
        return explain_with(ishare_verifier_explain, token, now, client_id, "client_id");
    }

    /* explain() by the rules of any iSHARE JWT; `issuer`, when given, must
     * be its iss. */
    std::string explain_jwt(std::string_view token, std::optional<std::int64_t> now = std::nullopt,
                            std::optional<std::string_view> issuer = std::nullopt) const {
        return explain_with(ishare_verifier_explain_jwt, token, now, issuer, "issuer");
    }

    Verifier(Verifier &&) noexcept = default;
    Verifier &operator=(Verifier &&) noexcept = default;
    Verifier(const Verifier &) = delete;
    Verifier &operator=(const Verifier &) = delete;

private:
    using ExplainFn = ishare_status (*)(const ishare_verifier *, const char *, std::int64_t,
                                        const char *, char **);

    std::string explain_with(ExplainFn explain_fn, std::string_view token,
                             std::optional<std::int64_t> now,
                             std::optional<std::string_view> party, const char *party_name) const {
        const std::string jwt = detail::c_string(token, "token");
        const std::int64_t when = detail::c_now(now);
        std::optional<std::string> id;
        if (party) {
            id = detail::c_string(*party, party_name);
        }
        char *json = nullptr;
        detail::check(explain_fn(handle_.get(), jwt.c_str(), when, id ? id->c_str() : nullptr, &json));
        return detail::taken(json);
    }

    std::unique_ptr<ishare_verifier, detail::VerifierFree> handle_;
};

}  // namespace ishare

#endif /* ISHARE_JWT_HPP */
