package me.gocertify.bridge.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson mapper for everything a client sends: tight read limits, duplicate keys refused
 * (two verification_id values would be ambiguous), trailing content refused, no polymorphic typing,
 * unknown fields ignored.
 */
public final class Json {

    public static final ObjectMapper MAPPER = mapper(65_536, true);

    /**
     * The same limits for each record of a file drop, read one by one from a parser over the whole
     * file: that file may be as long as it likes, and more follows each record.
     */
    public static final ObjectMapper RECORD_STREAM_MAPPER = mapper(-1, false);

    private static ObjectMapper mapper(long maxDocumentLength, boolean wholeDocument) {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(16)
                                .maxStringLength(65_536)
                                .maxNumberLength(32)
                                .maxDocumentLength(maxDocumentLength)
                                .maxNameLength(1_024)
                                .build())
                        .build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // "{...} anything" is not one JSON document: without this, Jackson reads the object and stops
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, wholeDocument)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private Json() {
    }

    /** Reads a JSON object, refusing anything else with a 400 that does not echo the input. */
    public static JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ClientError.invalid(null, "the body is empty");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            throw ClientError.invalid(null, "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ClientError.invalid(null, "the body must be a JSON object");
        }
        return node;
    }

    /** An optional string field: null when absent or JSON null, 400 when of another type. */
    public static String optionalText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ClientError.invalid(field, field + " must be a string");
        }
        return value.textValue();
    }

    public static String requiredText(JsonNode object, String field) {
        String value = optionalText(object, field);
        if (value == null || value.isEmpty()) {
            throw ClientError.invalid(field, field + " is required");
        }
        return value;
    }
}
