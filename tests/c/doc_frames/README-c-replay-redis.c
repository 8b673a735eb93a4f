/* The README's shared replay record with hiredis (statements) inside a
 * function, compiled against the installed header and hiredis's with every
 * warning an error. Running it needs redis-server: stage redis runs the
 * same SET NX EXAT record from Rust and Python. */
#include <hiredis/hiredis.h>
#include <ishare_jwt.h>

void replay_block(const ishare_verifier *verifier, redisContext *redis, const char *token,
                  const char *client_id);
void replay_block(const ishare_verifier *verifier, redisContext *redis, const char *token,
                  const char *client_id) {
#include DOC_BLOCK
}
