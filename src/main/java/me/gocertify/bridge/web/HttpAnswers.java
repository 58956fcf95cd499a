package me.gocertify.bridge.web;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.http.HttpServerResponse;

import me.gocertify.bridge.store.RepeatedFailure;
import me.gocertify.bridge.store.StoreUnavailable;
import me.gocertify.bridge.verification.Recorded;

/** Sets the status and JSON body of every answer the bridge gives over HTTP. */
public final class HttpAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswers.class);

    /** Every 503's body; the sender retries after {@link #RETRY_AFTER_SECONDS}. */
    private static final Map<String, String> UNAVAILABLE = Map.of("error", "unavailable");
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final String UNAVAILABLE_JSON = Json.MAPPER.valueToTree(UNAVAILABLE).toString();

    /**
     * While the store fails (a full disk, say) every webhook and every sender's retry of it gets a 503: one WARN
     * line a minute says so, with how many since, instead of one a webhook. Each is still counted, by merchant, in
     * bridge_verifications_received_total{result="unavailable"}.
     */
    private final RepeatedFailure storeUnavailable = new RepeatedFailure(LOG, "Answered 503");

    /**
     * Request headers (signatures, tokens, form fields) are never echoed back: an answer keeps only
     * its status and Retry-After. Camel's removeHeaders with an exclude pattern would do the same,
     * but it compiles the pattern as a regular expression again for every header of every request
     * (a twentieth of a webhook's work in the benchmark's profile).
     */
    public static void keepOnlyAnswerHeaders(Message message) {
        message.getHeaders().keySet().removeIf(name -> !ANSWER_HEADERS.contains(name));
    }

    private static final java.util.Set<String> ANSWER_HEADERS = java.util.Set.of(Exchange.HTTP_RESPONSE_CODE, "Retry-After");

    /**
     * The answer's body as JSON text, written by the bridge's one mapper (its settings are for reading;
     * it writes as the default ObjectMapper of Camel's Jackson data format did), straight to a String.
     * Camel's marshal step wrote through an output stream
     * builder that looks up the route's stream caching by copying the context's list of all its routes,
     * and its bytes were then converted to the String Vert.x writes at once: those three steps took 5% of
     * a webhook's time on the event loop, this one takes half that (BENCHMARKS.md, session 23). Camel's
     * Jackson data format (camel-jackson) is still there for routes that marshal.
     */
    public static void bodyAsJson(Message message) throws JsonProcessingException {
        message.setBody(Json.MAPPER.writeValueAsString(message.getBody()));
    }

    /** The answer for a recorded verification: 202 accepted or ignored, 200 duplicate. */
    public Object recorded(Exchange exchange) {
        Recorded recorded = exchange.getMessage().getBody(Recorded.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, recorded.httpStatus());
        return recorded.answer();
    }

    /** The answer for a refused request, from the exception that refused it. */
    public Object refused(Exchange exchange, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        if (cause instanceof ClientError error) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
            return error.body();
        }
        if (cause instanceof StoreUnavailable unavailable) {
            storeUnavailable.happened(unavailable);
        } else {
            // a fault of ours, not the client's: the sender retries, and no 500 leaks our internals
            LOG.error("Answered 503 after an unexpected {}", cause == null ? "error" : cause.getClass().getName(), cause);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        message.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        return UNAVAILABLE;
    }

    /**
     * The same 503 as {@link #refused} gives for a fault of ours, written straight to the response: for a
     * route failure that no error handler answered (EventLoopHttpEngine).
     */
    static void unavailable(HttpServerResponse response) {
        response.setStatusCode(503).putHeader("Retry-After", RETRY_AFTER_SECONDS).putHeader("Content-Type", "application/json")
                .end(UNAVAILABLE_JSON);
    }
}
