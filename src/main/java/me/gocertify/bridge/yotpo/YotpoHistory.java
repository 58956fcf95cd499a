package me.gocertify.bridge.yotpo;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.web.Json;

/**
 * Reads a customer's history from Yotpo to settle an attempt whose outcome is unknown: an item
 * with the same action and the same created_at second means the award was made.
 */
public final class YotpoHistory {

    public static final String ALREADY_AWARDED = "alreadyAwarded";

    // Yotpo does not document the item fields; these are the names it is known to use
    private static final List<String> ACTION_FIELDS = List.of("action_name", "action", "action_type");
    private static final List<String> TIME_FIELDS = List.of("created_at", "date", "completed_at");

    /** True when the history shows the award; 404 (no such customer) is a clear no; anything else is no answer. */
    public boolean awarded(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(YotpoCall.ACTION_NAME) String actionName,
            @Header(Exchange.HTTP_RESPONSE_CODE) int status,
            @Body String body) throws IOException {
        if (status == 404) {
            return false;
        }
        if (status < 200 || status >= 300) {
            throw new IOException("Yotpo's customer history answered " + status);
        }
        JsonNode customer = Json.MAPPER.readTree(body == null ? "{}" : body);
        JsonNode items = customer.path("history_items");
        if (!items.isArray()) {
            items = customer.path("customer").path("history_items");
        }
        long second = delivery.verifiedAt().getEpochSecond();
        for (JsonNode item : items) {
            if (matchesAny(item, ACTION_FIELDS, actionName) && atSecond(item, second)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(JsonNode item, List<String> fields, String value) {
        return fields.stream().anyMatch(field -> value.equals(item.path(field).asText(null)));
    }

    private static boolean atSecond(JsonNode item, long second) {
        for (String field : TIME_FIELDS) {
            String text = item.path(field).asText(null);
            if (text != null) {
                try {
                    if (OffsetDateTime.parse(text).toInstant().getEpochSecond() == second) {
                        return true;
                    }
                } catch (DateTimeParseException e) {
                    // not a time in this field; try the next
                }
            }
        }
        return false;
    }
}
