// A C++17 program built against an installed libishare_jwt through its
// header-only wrapper ishare_jwt.hpp (CMakeLists.txt): every shared vector
// (tests/vectors/vectors.json, as tests/c/vectors_to_text.py writes it) with
// its verdict and error kind, then the wrapper itself: sign -> verify, the
// claims, replay, errors (kind, code, message), argument checks, moves, what
// a signer knows of its chain (not_after, warnings) and explain.
// Usage: consumer_cpp VECTORS_DIR/ VECTORS_TXT. Last line
// "c: N passed, M failed" (one per case); exit status 1 on any failure.
#include <ishare_jwt.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

static_assert(!std::is_copy_constructible_v<ishare::Signer>, "a signer is move-only");
static_assert(!std::is_copy_assignable_v<ishare::Verifier>, "a verifier is move-only");
static_assert(std::is_nothrow_move_constructible_v<ishare::Signer>, "moves do not throw");
static_assert(std::is_nothrow_move_assignable_v<ishare::Verifier>, "moves do not throw");
static_assert(std::is_base_of_v<std::exception, ishare::Error>, "Error is a std::exception");

namespace {

const char *const CLIENT_ID = "EU.EORI.NL000000001";
const char *const SERVER_ID = "EU.EORI.NL000000000";
const char *const ROOT_SHA256 = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";
const char *const CLIENT_LEAF_SHA256 =
    "2E03CB37B405BD25A6A07369886C7C5F9816D0A060969518D9FD4C8D5AF43F15";
const std::int64_t T0 = 1767225600;
// notAfter of the client's leaf, Jan  1 00:00:00 2045 GMT (openssl x509
// -enddate of tests/vectors/client-eori.chain.pem); no other certificate of
// the chain ends sooner.
const std::int64_t CLIENT_LEAF_NOT_AFTER = 2366841600;

int passed = 0;
int failed = 0;
std::string vectors_dir;

// Runs one case: a failed check or an exception fails it.
void test(const std::string &name, const std::function<void()> &body) {
    try {
        body();
        passed++;
    } catch (const ishare::Error &e) {
        failed++;
        std::cout << "not ok: " << name << ": ishare::Error " << e.kind() << " (" << e.code()
                  << "): " << e.what() << "\n";
    } catch (const std::exception &e) {
        failed++;
        std::cout << "not ok: " << name << ": " << e.what() << "\n";
    }
}

struct CheckFailed : std::exception {
    explicit CheckFailed(std::string what) : what_(std::move(what)) {}
    const char *what() const noexcept override { return what_.c_str(); }
    std::string what_;
};

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            throw CheckFailed(std::string(__FILE__ ":") + std::to_string(__LINE__) + ": " + \
                              #cond);                                                      \
        }                                                                                  \
    } while (0)

// Runs `body`, which must throw an ishare::Error of `kind`; returns it.
ishare::Error expect_error(const std::string &kind, const std::function<void()> &body) {
    try {
        body();
    } catch (const ishare::Error &e) {
        if (e.kind() != kind) {
            throw CheckFailed("expected " + kind + ", got " + e.kind() + ": " + e.what());
        }
        CHECK(std::string(ishare_status_kind(static_cast<ishare_status>(e.code()))) == kind);
        CHECK(std::strlen(e.what()) > 0);
        return e;
    }
    throw CheckFailed("expected " + kind + ", nothing was thrown");
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw CheckFailed("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

ishare::Signer client_signer(const std::string &tag, const std::string &party) {
    return ishare::Signer::from_pem(read_file(vectors_dir + tag + ".key.pem"),
                                    read_file(vectors_dir + tag + ".chain.pem"), party);
}

// The first `count` PEM certificates of a chain file's text.
std::string first_certificates(const std::string &chain_pem, int count) {
    const std::string end = "-----END CERTIFICATE-----\n";
    std::size_t at = 0;
    for (int i = 0; i < count; i++) {
        at = chain_pem.find(end, at);
        CHECK(at != std::string::npos);
        at += end.size();
    }
    return chain_pem.substr(0, at);
}

// The report's verdict and kind, which Report::to_json writes first, in this
// order and without spaces: "accepted" (kind null) or "refused:<kind>".
std::string verdict_of(const std::string &json) {
    const std::string accepted = R"({"verdict":"accepted","kind":null,)";
    const std::string refused = R"({"verdict":"refused","kind":")";
    if (json.compare(0, accepted.size(), accepted) == 0) {
        return "accepted";
    }
    CHECK(json.compare(0, refused.size(), refused) == 0);
    const std::size_t end = json.find('"', refused.size());
    CHECK(end != std::string::npos);
    return "refused:" + json.substr(refused.size(), end - refused.size());
}

// verify()'s verdict in verdict_of's words.
std::string verdict_of(const std::function<void()> &verify) {
    try {
        verify();
        return "accepted";
    } catch (const ishare::Error &e) {
        return "refused:" + e.kind();
    }
}

// One record of vectors_to_text.py's file: its `key value` lines, unescaped.
using Record = std::multimap<std::string, std::string>;

std::string unescape(const std::string &value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); i++) {
        if (value[i] != '\\' || i + 1 == value.size()) {
            out += value[i];
            continue;
        }
        const char next = value[++i];
        out += next == 'n' ? '\n' : next == 'r' ? '\r' : next == '0' ? '\0' : next;
    }
    return out;
}

std::vector<Record> read_records(const std::string &path, std::size_t &count) {
    std::istringstream lines(read_file(path));
    std::vector<Record> records;
    Record record;
    std::string line;
    count = 0;
    while (std::getline(lines, line)) {
        const std::size_t space = line.find(' ');
        const std::string key = line.substr(0, space);
        const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
        if (key == "count") {
            count = std::stoul(value);
        } else if (key == "end") {
            records.push_back(record);
            record.clear();
        } else {
            record.emplace(key, unescape(value));
        }
    }
    return records;
}

std::string field(const Record &r, const std::string &key) {
    const auto it = r.find(key);
    if (it == r.end()) {
        throw CheckFailed("the record has no " + key);
    }
    return it->second;
}

void run_vector(const Record &r) {
    std::vector<std::string> roots;
    for (auto [it, end] = r.equal_range("root"); it != end; ++it) {
        roots.push_back(it->second);
    }
    CHECK(field(r, "type") == "token");
    const std::string expect = field(r, "expect");
    const std::string audience = field(r, "audience");
    const std::int64_t now = std::stoll(field(r, "now"));
    const auto leeway = static_cast<std::uint32_t>(std::stoul(field(r, "leeway")));
    std::optional<std::string> client_id;
    if (r.count("client_id") > 0) {
        client_id = field(r, "client_id");
    }
    const ishare::Verifier verifier(audience, roots, leeway);
    const std::string token = field(r, "token");
    const auto verify = [&] {
        return client_id ? verifier.verify(token, now, std::string_view(*client_id))
                         : verifier.verify(token, now);
    };
    if (expect == "valid") {
        const ishare::Assertion a = verify();
        CHECK(!a.client_id().empty());
        CHECK(!a.jti().empty());
        CHECK(a.expires_at() - a.issued_at() == 30);
        CHECK(a.leaf_sha256().size() == 64);
    } else {
        expect_error(expect, [&] { verify(); });
    }
}

void run_vectors(const std::string &vectors_txt) {
    std::size_t count = 0;
    std::vector<Record> records;
    test("the vectors file reads", [&] {
        records = read_records(vectors_txt, count);
        CHECK(count > 0);
        CHECK(records.size() == count);
    });
    for (const Record &r : records) {
        const auto name = r.find("name");
        test("vector " + (name != r.end() ? name->second : "(unnamed)"), [&] { run_vector(r); });
    }
    std::cout << "vectors: " << records.size() << " run\n";
}

void run_wrapper_tests() {
    test("sign -> verify with the claims", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string token = signer.client_assertion(SERVER_ID, T0, std::string_view("jti-1"));
        CHECK(std::count(token.begin(), token.end(), '.') == 2);
        CHECK(token.find('\0') == std::string::npos);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        const ishare::Assertion a = verifier.verify(token, T0 + 5, std::string_view(CLIENT_ID));
        CHECK(a.client_id() == CLIENT_ID);
        CHECK(a.jti() == "jti-1");
        CHECK(a.issued_at() == T0);
        CHECK(a.expires_at() == T0 + 30);
        CHECK(a.leaf_sha256() == CLIENT_LEAF_SHA256);
    });

    test("the system clock and a fresh jti when absent", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string one = signer.client_assertion(SERVER_ID);
        const std::string two = signer.client_assertion(SERVER_ID);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256}, 5);
        const ishare::Assertion a = verifier.verify(one);
        const ishare::Assertion b = verifier.verify(two);
        CHECK(a.jti() != b.jti());
        CHECK(a.jti().size() == 36);
        CHECK(a.issued_at() > T0);
    });

    test("a 4096-bit key and a PEM root", [] {
        const ishare::Signer signer = client_signer("client-4096", "EU.EORI.NL000000004");
        const std::string token = signer.client_assertion(SERVER_ID, T0);
        const ishare::Verifier verifier(SERVER_ID, {read_file(vectors_dir + "root-ca.pem")});
        CHECK(verifier.verify(token, T0).client_id() == "EU.EORI.NL000000004");
    });

    test("a token longer than the first buffer is signed again, whole", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string jti(256, 'j');
        const std::string roomy = signer.client_assertion(SERVER_ID, T0, jti);
        const std::size_t capacity = ishare::detail::token_capacity;
        ishare::detail::token_capacity = 100;
        const std::string grown = signer.client_assertion(SERVER_ID, T0, jti);
        ishare::detail::token_capacity = capacity;
        CHECK(grown.size() == roomy.size());
        CHECK(grown.size() == std::strlen(grown.c_str()));
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        CHECK(verifier.verify(grown, T0).jti() == jti);
    });

    test("replay: kind, code and message", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string token = signer.client_assertion(SERVER_ID, T0);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        verifier.verify(token, T0);
        const ishare::Error e = expect_error("replay", [&] { verifier.verify(token, T0); });
        CHECK(e.code() == ISHARE_STATUS_REPLAY);
        CHECK(e.code() == 18);
    });

    test("verification errors name what was wrong", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string token = signer.client_assertion(SERVER_ID, T0);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        const ishare::Error expired = expect_error("expired", [&] { verifier.verify(token, T0 + 31); });
        CHECK(expired.code() == 16);
        expect_error("client_id_mismatch",
                     [&] { verifier.verify(token, T0, std::string_view("EU.EORI.NL000000002")); });
        expect_error("audience", [&] {
            ishare::Verifier("EU.EORI.NL000000003", {ROOT_SHA256}).verify(token, T0);
        });
        expect_error("malformed", [&] { verifier.verify("not.a.token", T0); });
        const ishare::Error e = expect_error("untrusted_chain", [&] {
            ishare::Verifier(SERVER_ID, {std::string(64, 'A')}).verify(token, T0);
        });
        CHECK(std::string(e.what()).find("trust") != std::string::npos);
    });

    test("loading errors", [] {
        const std::string chain = read_file(vectors_dir + "client-eori.chain.pem");
        expect_error("invalid_key", [&] { ishare::Signer::from_pem("no key", chain, CLIENT_ID); });
        expect_error("key_mismatch", [&] {
            ishare::Signer::from_pem(read_file(vectors_dir + "client-did.key.pem"), chain, CLIENT_ID);
        });
        expect_error("invalid_party_id", [&] {
            ishare::Signer::from_pem(read_file(vectors_dir + "client-eori.key.pem"), chain, "nobody");
        });
        expect_error("invalid_trust_anchor", [] { ishare::Verifier(SERVER_ID, {"not a root"}); });
        expect_error("invalid_argument", [] { ishare::Verifier(SERVER_ID, {}); });
        expect_error("invalid_argument", [] { ishare::Verifier(SERVER_ID, {ROOT_SHA256}, 301); });
    });

    test("arguments C cannot carry are refused, never cut", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        using namespace std::string_literals;
        const ishare::Error nul = expect_error(
            "invalid_argument", [&] { signer.client_assertion("EU.EORI.NL000000000\0x"s, T0); });
        CHECK(std::string(nul.what()) == "audience contains a NUL byte");
        expect_error("invalid_argument", [&] { verifier.verify("a.b\0.c"s, T0); });
        expect_error("invalid_argument",
                     [&] { ishare::Verifier(SERVER_ID, {ROOT_SHA256 + "\0"s}); });
        const ishare::Error negative =
            expect_error("invalid_argument", [&] { signer.client_assertion(SERVER_ID, -5); });
        CHECK(std::string(negative.what()).find("-5") != std::string::npos);
    });

    test("not_after: the leaf's notAfter, the earliest of the chain", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        CHECK(signer.not_after() == CLIENT_LEAF_NOT_AFTER);
    });

    test("warnings: none for a whole chain, one for a chain without its root", [] {
        const std::string key = read_file(vectors_dir + "client-eori.key.pem");
        const std::string chain = read_file(vectors_dir + "client-eori.chain.pem");
        CHECK(ishare::Signer::from_pem(key, chain, CLIENT_ID).warnings().empty());

        const ishare::Signer rootless =
            ishare::Signer::from_pem(key, first_certificates(chain, 2), CLIENT_ID);
        const std::vector<std::string> warnings = rootless.warnings();
        CHECK(warnings.size() == 1);
        CHECK(warnings[0].find("Vector Test Root CA") != std::string::npos);  // the missing issuer
        CHECK(warnings[0].find("fingerprint") != std::string::npos);
        CHECK(warnings[0].find("append the root certificate") != std::string::npos);
        CHECK(warnings[0].find('\n') == std::string::npos);
        // It still signs; a fingerprint-trusting verifier refuses what it signs,
        // one holding the root as a PEM CA certificate accepts it.
        const std::string token = rootless.client_assertion(SERVER_ID, T0);
        expect_error("untrusted_chain",
                     [&] { ishare::Verifier(SERVER_ID, {ROOT_SHA256}).verify(token, T0); });
        const ishare::Verifier pem(SERVER_ID, {read_file(vectors_dir + "root-ca.pem")});
        CHECK(pem.verify(token, T0).client_id() == CLIENT_ID);
    });

    test("explain: verdict and kind are verify's, accepted and refused", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string token = signer.client_assertion(SERVER_ID, T0);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        const std::string accepted = verifier.explain(token, T0, std::string_view(CLIENT_ID));
        CHECK(verdict_of(accepted) == "accepted");
        CHECK(accepted.find(R"("sha256":")" + std::string(CLIENT_LEAF_SHA256) + '"') !=
              std::string::npos);
        // explain records no replay (verify still accepts the token once) and
        // judges without the replay memory (the unrecorded verification's verdict).
        CHECK(verdict_of([&] { verifier.verify(token, T0, std::string_view(CLIENT_ID)); }) ==
              "accepted");
        CHECK(verdict_of([&] { verifier.verify(token, T0); }) == "refused:replay");
        CHECK(verdict_of(verifier.explain(token, T0)) == "accepted");

        const std::string late = signer.client_assertion(SERVER_ID, T0);
        const std::string expired = verifier.explain(late, T0 + 31);
        CHECK(verdict_of(expired) == "refused:expired");
        CHECK(verdict_of([&] { verifier.verify(late, T0 + 31); }) == "refused:expired");
        const std::string wrong_client = verifier.explain(late, T0, std::string_view("EU.EORI.NL000000002"));
        CHECK(verdict_of(wrong_client) == "refused:client_id_mismatch");
        CHECK(verdict_of([&] { verifier.verify(late, T0, std::string_view("EU.EORI.NL000000002")); }) ==
              "refused:client_id_mismatch");
        CHECK(verdict_of(verifier.explain("not.a.token", T0)) == "refused:malformed");
    });

    test("explain_jwt: verdict and kind are verify_jwt's", [] {
        const ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        const std::string token = signer.client_assertion(SERVER_ID, T0);
        const ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        // verify_jwt has no C++ wrapper: the C call on a C verifier of the
        // same audience and root, unrecorded, is the reference.
        const char *roots[] = {ROOT_SHA256};
        ishare_verifier *raw = nullptr;
        CHECK(ishare_verifier_new(SERVER_ID, roots, 1, 0, &raw) == ISHARE_STATUS_OK);
        const std::unique_ptr<ishare_verifier, ishare::detail::VerifierFree> reference(raw);
        const auto verify_jwt = [&](const char *issuer) {
            ishare_jwt *jwt = nullptr;
            const ishare_status status = ishare_verifier_verify_jwt_unrecorded(
                reference.get(), token.c_str(), T0, issuer, &jwt);
            ishare_jwt_free(jwt);
            return status == ISHARE_STATUS_OK ? std::string("accepted")
                                              : "refused:" + std::string(ishare_status_kind(status));
        };
        CHECK(verdict_of(verifier.explain_jwt(token, T0, std::string_view(CLIENT_ID))) == "accepted");
        CHECK(verify_jwt(CLIENT_ID) == "accepted");
        CHECK(verdict_of(verifier.explain_jwt(token, T0, std::string_view("EU.EORI.NL000000002"))) ==
              "refused:issuer_mismatch");
        CHECK(verify_jwt("EU.EORI.NL000000002") == "refused:issuer_mismatch");
    });

    test("explain and the chain accessors: arguments C cannot carry, moved-from handles", [] {
        using namespace std::string_literals;
        ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        expect_error("invalid_argument", [&] { verifier.explain("a.b\0.c"s, T0); });
        expect_error("invalid_argument", [&] { verifier.explain_jwt("a.b.c", -1); });
        const ishare::Signer taken = std::move(signer);
        const ishare::Verifier kept = std::move(verifier);
        expect_error("invalid_argument", [&] { signer.not_after(); });
        expect_error("invalid_argument", [&] { signer.warnings(); });
        expect_error("invalid_argument", [&] { verifier.explain("a.b.c", T0); });
        CHECK(taken.not_after() == CLIENT_LEAF_NOT_AFTER);
        CHECK(verdict_of(kept.explain("a.b.c", T0)) == "refused:malformed");
    });

    test("a moved-from handle throws, the moved-to one works", [] {
        ishare::Signer signer = client_signer("client-eori", CLIENT_ID);
        ishare::Signer taken = std::move(signer);
        expect_error("invalid_argument", [&] { signer.client_assertion(SERVER_ID, T0); });
        const std::string token = taken.client_assertion(SERVER_ID, T0);

        ishare::Verifier verifier(SERVER_ID, {ROOT_SHA256});
        ishare::Verifier other("EU.EORI.NL000000003", {ROOT_SHA256});
        other = std::move(verifier);
        expect_error("invalid_argument", [&] { verifier.verify(token, T0); });
        CHECK(other.verify(token, T0).client_id() == CLIENT_ID);
    });
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " VECTORS_DIR/ VECTORS_TXT\n";
        return 2;
    }
    vectors_dir = argv[1];
    test("the linked library is the package's", [] {
        CHECK(std::string(ishare_jwt_version()) == WANT_VERSION);
        CHECK(std::string(ishare_backend()) == WANT_BACKEND);
    });
    run_vectors(argv[2]);
    run_wrapper_tests();
    std::cout << "c: " << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
