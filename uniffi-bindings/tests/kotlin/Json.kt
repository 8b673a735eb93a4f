// A small strict JSON reader (RFC 8259) for the tests, so that payloads can be
// compared as JSON values without a JSON library on the class path: objects
// become LinkedHashMaps (member order kept for the tests that look at it,
// ignored by ==), arrays Lists, strings Strings with every escape decoded,
// numbers BigDecimals without trailing zeros (2.5 == 2.50, -0.0 == 0,
// 1E+2 == 100), true/false Booleans, null null. Anything else, a duplicate
// member name or trailing text throws IllegalArgumentException.

import java.math.BigDecimal

object Json {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value(0)
        reader.skipSpace()
        if (reader.at < text.length) reader.fail("text after the value")
        return value
    }

    /** [text] parsed as an object. */
    fun parseObject(text: String): Map<String, Any?> {
        val value = parse(text)
        @Suppress("UNCHECKED_CAST")
        return value as? Map<String, Any?> ?: throw IllegalArgumentException("JSON: not an object: ${text.take(80)}")
    }

    private val NUMBER = Regex("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")

    private class Reader(val text: String) {
        var at = 0

        fun fail(what: String): Nothing = throw IllegalArgumentException("JSON: $what at offset $at")

        fun skipSpace() {
            while (at < text.length && text[at] in " \t\r\n") at++
        }

        fun next(): Char = if (at < text.length) text[at++] else fail("unexpected end")

        fun expect(c: Char) {
            skipSpace()
            if (next() != c) fail("'$c' expected")
        }

        fun value(depth: Int): Any? {
            if (depth > 200) fail("nesting too deep")
            skipSpace()
            if (at >= text.length) fail("unexpected end")
            return when (text[at]) {
                '{' -> obj(depth)
                '[' -> array(depth)
                '"' -> string()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> number()
            }
        }

        fun word(word: String, value: Any?): Any? {
            if (!text.startsWith(word, at)) fail("unknown literal")
            at += word.length
            return value
        }

        fun obj(depth: Int): Map<String, Any?> {
            val members = LinkedHashMap<String, Any?>()
            at++ // {
            skipSpace()
            if (text.startsWith("}", at)) {
                at++
                return members
            }
            while (true) {
                skipSpace()
                if (!text.startsWith("\"", at)) fail("member name expected")
                val name = string()
                if (name in members) fail("duplicate member name \"$name\"")
                expect(':')
                members[name] = value(depth + 1)
                skipSpace()
                when (next()) {
                    ',' -> continue
                    '}' -> return members
                    else -> fail("',' or '}' expected")
                }
            }
        }

        fun array(depth: Int): List<Any?> {
            val items = ArrayList<Any?>()
            at++ // [
            skipSpace()
            if (text.startsWith("]", at)) {
                at++
                return items
            }
            while (true) {
                items += value(depth + 1)
                skipSpace()
                when (next()) {
                    ',' -> continue
                    ']' -> return items
                    else -> fail("',' or ']' expected")
                }
            }
        }

        fun string(): String {
            at++ // "
            val out = StringBuilder()
            while (true) {
                val c = next()
                when {
                    c == '"' -> return out.toString()
                    c < ' ' -> fail("raw control character in a string")
                    c != '\\' -> out.append(c)
                    else -> when (val escape = next()) {
                        '"', '\\', '/' -> out.append(escape)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        // UTF-16 code units, as Kotlin strings hold them: a
                        // surrogate pair's two escapes become one character.
                        'u' -> {
                            if (at + 4 > text.length) fail("short \\u escape")
                            val hex = text.substring(at, at + 4)
                            out.append(hex.toIntOrNull(16)?.toChar() ?: fail("bad \\u escape"))
                            at += 4
                        }
                        else -> fail("unknown escape \\$escape")
                    }
                }
            }
        }

        fun number(): BigDecimal {
            val match = NUMBER.matchAt(text, at) ?: fail("value expected")
            at += match.value.length
            return BigDecimal(match.value).stripTrailingZeros()
        }
    }
}
