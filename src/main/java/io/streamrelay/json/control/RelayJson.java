package io.streamrelay.json.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one {@link ObjectMapper}: it reads every request body (both transports) and writes every JAX-RS JSON entity
 * and problem body. Thread-safe once built; never reconfigured after this class is loaded.
 *
 * <p>Reading follows what the relay accepted when it used JSON-P (Parsson 1.1), pinned by
 * {@code ChatRequestSyntaxTest}: strict RFC 8259 (no comments, quotes, NaN, leading zeros, raw control
 * characters), duplicate keys allowed with the last one winning, at most {@value #MAX_DEPTH} nested levels, number
 * literals of at most {@value #MAX_NUMBER_CHARS} characters. Strings and names are not limited here: the body
 * bound ({@code relay.request.max-bytes}) limits them. Numbers become exact {@link java.math.BigDecimal}s (no
 * trailing zeros stripped), so "1.0" stays a fraction and "1e400" stays above 2.
 *
 * <p>Writing: record components in snake_case ({@code promptTokens} becomes {@code prompt_tokens}), nulls written.
 */
public final class RelayJson {

    /** Parsson refuses the 1000th nested level. */
    public static final int MAX_DEPTH = 999;

    /** Parsson refuses a number literal (sign, dot and exponent included) longer than this. */
    public static final int MAX_NUMBER_CHARS = 1100;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            // Jackson counts digits only; the exact character bound is checked per token.
                            .maxNumberLength(MAX_NUMBER_CHARS)
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNameLength(Integer.MAX_VALUE)
                            .build())
                    // Names are not interned: a body full of colliding keys cannot trip the symbol table.
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    .build())
            // 1100-character numbers parse in linear time rather than BigInteger's quadratic one.
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER, StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private RelayJson() {
    }
}
