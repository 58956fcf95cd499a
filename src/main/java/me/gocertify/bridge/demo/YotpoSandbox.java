package me.gocertify.bridge.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import me.gocertify.bridge.web.Json;

/**
 * A stand-in for Yotpo Loyalty, on loopback, for the demo only: it accepts every custom action
 * (200) and answers the customer look-up with the actions it was sent, as Yotpo's history would.
 */
public final class YotpoSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(YotpoSandbox.class);
    private static final int MAX_BODY = 65536;

    /** One custom action as the sandbox received it. */
    public record Action(String actionName, String customerEmail, String createdAt) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    private YotpoSandbox(HttpServer server) {
        this.server = server;
    }

    /** Starts the sandbox on 127.0.0.1 (port 0: any free port). */
    public static YotpoSandbox start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        YotpoSandbox sandbox = new YotpoSandbox(server);
        server.createContext("/api/v2/actions", sandbox::action);
        server.createContext("/api/v2/customers", sandbox::customer);
        server.setExecutor(sandbox.threads);
        server.start();
        return sandbox;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Action> actions() {
        return List.copyOf(actions);
    }

    private void action(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, Map.of("error", "method not allowed"));
                return;
            }
            if (isBlank(exchange.getRequestHeaders().getFirst("x-api-key")) || isBlank(exchange.getRequestHeaders().getFirst("x-guid"))) {
                answer(exchange, 401, Map.of("error", "x-guid and x-api-key are required"));
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = Json.readObject(in.readNBytes(MAX_BODY));
            } catch (RuntimeException e) {
                answer(exchange, 400, Map.of("error", "the body is not a JSON object"));
                return;
            }
            Action action = new Action(body.path("action_name").asText(), body.path("customer_email").asText(),
                    body.path("created_at").asText());
            actions.add(action);
            LOG.info("Yotpo sandbox: recorded custom action {} for {}", action.actionName(), action.customerEmail());
            answer(exchange, 200, Map.of());
        }
    }

    private void customer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String email = query(exchange, "customer_email");
            List<Map<String, Object>> history = new ArrayList<>();
            for (Action action : actions) {
                if (action.customerEmail().equalsIgnoreCase(email)) {
                    history.add(Map.of("action", action.actionName(), "created_at", action.createdAt()));
                }
            }
            if (history.isEmpty()) {
                answer(exchange, 404, Map.of("error", "customer not found"));
                return;
            }
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("email", email);
            customer.put("history_items", history);
            answer(exchange, 200, customer);
        }
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
