package me.gocertify.bridge.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

/**
 * A zero-latency Yotpo: answers 200 to every POST /api/v2/actions at once and notes, per x-guid,
 * when each call arrived (System.nanoTime), so rates and windows are measured where Yotpo sees them.
 * Emails of the form {@code probe<n>@...} also note their arrival under n, for end-to-end latency.
 */
final class YotpoStandIn implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final HttpServer server;
    private volatile AtomicLongArray probes = new AtomicLongArray(0);

    YotpoStandIn() {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            long now = System.nanoTime();
            String guid = request.getHeader("x-guid");
            if (guid != null) {
                List<Long> list = arrivals.computeIfAbsent(guid, g -> new ArrayList<>());
                synchronized (list) {
                    list.add(now);
                }
            }
            if (body.succeeded()) {
                noteProbe(body.result().toString(), now);
            }
            request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    int port() {
        return server.actualPort();
    }

    /** From now on, emails probe0 to probe{count-1} note their arrival. */
    void expectProbes(int count) {
        probes = new AtomicLongArray(count);
    }

    /** Arrival time of probe n, 0 if it has not arrived. */
    long probeArrival(int n) {
        return probes.get(n);
    }

    private void noteProbe(String body, long now) {
        int at = body.indexOf("\"customer_email\":\"probe");
        if (at < 0) {
            return;
        }
        int start = at + "\"customer_email\":\"probe".length();
        int end = body.indexOf('@', start);
        try {
            int n = Integer.parseInt(body.substring(start, end));
            AtomicLongArray current = probes;
            if (n < current.length()) {
                current.compareAndSet(n, 0, now);
            }
        } catch (RuntimeException e) {
            // not a probe after all
        }
    }

    /** How many calls came for this guid so far. */
    int count(String guid) {
        List<Long> list = arrivals.get(guid);
        if (list == null) {
            return 0;
        }
        synchronized (list) {
            return list.size();
        }
    }

    /** The arrival times for this guid, sorted. */
    long[] arrivals(String guid) {
        List<Long> list = arrivals.get(guid);
        if (list == null) {
            return new long[0];
        }
        long[] times;
        synchronized (list) {
            times = list.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(times);
        return times;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
