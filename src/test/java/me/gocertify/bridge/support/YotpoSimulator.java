package me.gocertify.bridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Yotpo Loyalty on WireMock, with a memory: every custom action it receives is recorded the moment
 * the request arrives (so also when the answer is delayed past the client's timeout), and
 * GET /api/v2/customers answers the history of what it recorded. Tests count awards here.
 * A bridge may reach it through a link of its own ({@link #baseUrl(String)}): the same Yotpo and the
 * same memory, with answers that can differ by link (a slow network path, say).
 */
public final class YotpoSimulator implements ResponseDefinitionTransformerV2 {

    /** One custom action as Yotpo received it; {@code link} is the path prefix it came through ("" for none). */
    public record Action(String guid, String apiKey, String email, String actionName, String createdAt, long arrivedNanos,
            String link) {
    }

    private static final String ACTIONS = "/api/v2/actions";
    private static final String CUSTOMERS = "/api/v2/customers";
    /** A link is an optional first path segment in front of Yotpo's own paths. */
    private static final String LINK = "(/[a-z0-9-]+)?";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Action> received = new CopyOnWriteArrayList<>();
    private volatile boolean historyAvailable = true;
    private final WireMockServer server;

    public YotpoSimulator() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(this)
                .containerThreads(40).jettyAcceptors(2));
        server.start();
        answerActions(aResponse().withStatus(200).withBody("{}"));
        server.stubFor(get(urlPathMatching(LINK + CUSTOMERS)).willReturn(aResponse().withTransformers(getName())));
    }

    public WireMockServer wireMock() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** The base URL of a link of its own to this Yotpo (a path prefix such as "/slow-link"). */
    public String baseUrl(String link) {
        return server.baseUrl() + link;
    }

    /** Every POST /api/v2/actions, through any link, is recorded, then answered as given. */
    public void answerActions(ResponseDefinitionBuilder answer) {
        answerActions(post(urlPathMatching(LINK + ACTIONS)), answer);
    }

    /** POST /api/v2/actions through the given link only (it takes precedence), still recorded. */
    public void answerActionsVia(String link, ResponseDefinitionBuilder answer) {
        answerActions(post(urlPathEqualTo(link + ACTIONS)).atPriority(1), answer);
    }

    /** A more specific stub (by header, scenario state ...) for POST /api/v2/actions, still recorded. */
    public void answerActions(MappingBuilder request, ResponseDefinitionBuilder answer) {
        server.stubFor(request.willReturn(answer.withTransformers(getName())));
    }

    /** While false, the customer history answers 503, as a Yotpo that cannot tell. */
    public void historyAvailable(boolean available) {
        historyAvailable = available;
    }

    public List<Action> received() {
        return new ArrayList<>(received);
    }

    public long receivedFor(String email) {
        return received.stream().filter(action -> action.email().equals(email)).count();
    }

    /** The most calls of one merchant (by x-guid) that arrived within any one second. */
    public int busiestSecond(String guid) {
        long[] times = received.stream().filter(action -> guid.equals(action.guid()))
                .mapToLong(Action::arrivedNanos).sorted().toArray();
        int busiest = 0;
        for (int first = 0, last = 0; last < times.length; last++) {
            while (times[last] - times[first] >= 1_000_000_000L) {
                first++;
            }
            busiest = Math.max(busiest, last - first + 1);
        }
        return busiest;
    }

    @Override
    public String getName() {
        return "yotpo-simulator";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        String path = java.net.URI.create(request.getUrl()).getPath();
        if (path.endsWith(ACTIONS)) {
            JsonNode body = read(request.getBodyAsString());
            received.add(new Action(request.getHeader("x-guid"), request.getHeader("x-api-key"),
                    body.path("customer_email").asText(), body.path("action_name").asText(), body.path("created_at").asText(),
                    System.nanoTime(), path.substring(0, path.length() - ACTIONS.length())));
            return event.getResponseDefinition();
        }
        if (!historyAvailable) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(503).build();
        }
        String email = request.queryParameter("customer_email").isPresent()
                ? request.queryParameter("customer_email").firstValue() : "";
        String guid = request.getHeader("x-guid");
        List<Map<String, Object>> items = received.stream()
                .filter(action -> action.email().equals(email) && action.guid().equals(guid))
                .map(action -> Map.<String, Object>of("action", action.actionName(), "created_at", action.createdAt(),
                        "points", 100, "status", "Approved"))
                .toList();
        if (items.isEmpty()) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(404).withBody("{\"error\":\"not found\"}").build();
        }
        try {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsString(Map.of("email", email, "history_items", items))).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    public void stop() {
        server.stop();
    }
}
