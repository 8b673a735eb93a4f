/* The C ABI timed from C: sign repeatedly; verify a pool of distinct tokens
 * once each (the C verifier refuses replays). Prints
 * "sign_us <x>\nverify_us <y>\n". Usage: bench_c KEY CHAIN ROOT_SHA256 SECONDS */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ishare_jwt.h"

static const char *const CLIENT = "EU.EORI.NL000000101";
static const char *const SERVER = "EU.EORI.NL000000100";
static const int64_t NOW = 1798761600;
enum { POOL = 2000, TOKEN_MAX = 16384 };

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char *text = malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { perror(path); exit(1); }
  text[size] = '\0';
  fclose(f);
  return text;
}

static void check(ishare_status status, const char *what) {
  if (status != ISHARE_STATUS_OK) {
    char detail[512];
    ishare_last_error(detail, sizeof detail);
    fprintf(stderr, "%s: %s: %s\n", what, ishare_status_kind(status), detail);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: bench_c KEY CHAIN ROOT_SHA256 SECONDS\n"); return 2; }
  char *key = read_file(argv[1]), *chain = read_file(argv[2]);
  const char *roots[] = {argv[3]};
  double budget = atof(argv[4]);
  ishare_signer *signer = NULL;
  ishare_verifier *verifier = NULL;
  check(ishare_signer_from_pem(key, chain, CLIENT, &signer), "signer");
  check(ishare_verifier_new(SERVER, roots, 1, 0, &verifier), "verifier");

  static char buffer[TOKEN_MAX];
  size_t len = 0;
  long signs = 0;
  double start = seconds_now();
  while (seconds_now() - start < budget) {
    check(ishare_signer_client_assertion(signer, SERVER, NOW, NULL, buffer, sizeof buffer, &len), "sign");
    signs++;
  }
  double sign_us = (seconds_now() - start) * 1e6 / (double)signs;

  char **pool = malloc(sizeof(char *) * POOL);
  for (int i = 0; i < POOL; i++) {
    pool[i] = malloc(TOKEN_MAX);
    check(ishare_signer_client_assertion(signer, SERVER, NOW, NULL, pool[i], TOKEN_MAX, &len), "sign pool");
  }
  ishare_assertion *assertion = NULL;
  check(ishare_verifier_verify(verifier, pool[0], NOW, NULL, &assertion), "verify warm-up");
  ishare_assertion_free(assertion);
  start = seconds_now();
  for (int i = 1; i < POOL; i++) {
    check(ishare_verifier_verify(verifier, pool[i], NOW, NULL, &assertion), "verify");
    ishare_assertion_free(assertion);
  }
  double verify_us = (seconds_now() - start) * 1e6 / (double)(POOL - 1);
  printf("sign_us %.3f\nverify_us %.3f\n", sign_us, verify_us);

  for (int i = 0; i < POOL; i++) free(pool[i]);
  free(pool);
  ishare_verifier_free(verifier);
  ishare_signer_free(signer);
  free(key);
  free(chain);
  return 0;
}
