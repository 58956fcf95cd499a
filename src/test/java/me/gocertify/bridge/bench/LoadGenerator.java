package me.gocertify.bridge.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * HTTP load from one Vert.x event loop (cheap enough to leave most of the CPU to the server under
 * test). Closed loop: N connections, each sending its next request when the answer to the last
 * one is in. Open loop: requests at a fixed rate whatever the answers do, each timed from when it
 * was due, so a stall shows in the latencies instead of slowing the load down.
 */
final class LoadGenerator implements AutoCloseable {

    /** One request: its path and body; {@code seq} numbers them from 0 within a run. */
    record Request(String path, Buffer body) {
    }

    /** What a run measured, over its measured part only (not the warm-up); {@code sent}: every request of the run. */
    record Result(long ok, long errors, double seconds, Latencies latencies, long sent) {
        double rate() {
            return ok / seconds;
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Context context = vertx.getOrCreateContext();
    private final int port;
    private final Map<String, String> headers;
    private final int expectedStatus;

    LoadGenerator(int port, Map<String, String> headers, int expectedStatus) {
        this.port = port;
        this.headers = headers;
        this.expectedStatus = expectedStatus;
    }

    private HttpClient client(int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(port).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** {@code concurrency} requests in flight at all times, for warm-up then measure. */
    Result closedLoop(LongFunction<Request> requests, int concurrency, Duration warmup, Duration measure) {
        return closedLoop(requests, concurrency, warmup, measure, Long.MAX_VALUE);
    }

    /** Exactly {@code count} requests, {@code concurrency} at a time, all measured. */
    Result closedLoop(LongFunction<Request> requests, int concurrency, long count) {
        return closedLoop(requests, concurrency, Duration.ZERO, Duration.ofDays(1), count);
    }

    private Result closedLoop(LongFunction<Request> requests, int concurrency, Duration warmup, Duration measure, long count) {
        Run run = new Run(requests, client(concurrency), warmup, measure, count);
        context.runOnContext(v -> {
            for (int i = 0; i < concurrency; i++) {
                run.active++;
                run.next();
            }
        });
        return run.done.join();
    }

    /** Requests at {@code perSecond}, for warm-up then measure; latency counts from when each was due. */
    Result openLoop(LongFunction<Request> requests, double perSecond, int maxConnections, Duration warmup, Duration measure) {
        Run run = new Run(requests, client(maxConnections), warmup, measure, Long.MAX_VALUE);
        long intervalNanos = (long) (1e9 / perSecond);
        context.runOnContext(v -> vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            while (true) {
                long due = run.start + run.seq * intervalNanos;
                if (due > now) {
                    break;
                }
                if (due >= run.end) {
                    vertx.cancelTimer(timer);
                    run.stopped = true;
                    run.finishIfIdle();
                    return;
                }
                run.active++;
                run.send(due);
            }
        }));
        return run.done.join();
    }

    /** The state of one run; touched only on the generator's event loop. */
    private final class Run {
        final LongFunction<Request> requests;
        final HttpClient client;
        final long start = System.nanoTime();
        final long measureFrom;
        final long end;
        final long limit;
        final Latencies latencies = new Latencies();
        final CompletableFuture<Result> done = new CompletableFuture<>();
        long seq;
        long ok;
        long errors;
        int active;
        boolean stopped;

        Run(LongFunction<Request> requests, HttpClient client, Duration warmup, Duration measure, long limit) {
            this.requests = requests;
            this.limit = limit;
            this.client = client;
            this.measureFrom = start + warmup.toNanos();
            this.end = measureFrom + measure.toNanos();
        }

        /** Closed loop: the next request of a connection, or its end. */
        void next() {
            if (System.nanoTime() >= end || seq >= limit) {
                stopped = true;
                active--;
                finishIfIdle();
                return;
            }
            send(System.nanoTime(), this::next);
        }

        void send(long dueAt) {
            send(dueAt, () -> {
                active--;
                finishIfIdle();
            });
        }

        private void send(long dueAt, Runnable then) {
            Request request = requests.apply(seq++);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(request.path());
            headers.forEach(options::putHeader);
            client.request(options)
                    .compose(r -> r.send(request.body()))
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(answer -> {
                        long now = System.nanoTime();
                        if (dueAt >= measureFrom && dueAt < end) {
                            if (answer.succeeded() && answer.result() == expectedStatus) {
                                ok++;
                                latencies.add(now - dueAt, dueAt);
                            } else {
                                errors++;
                                if (errors <= 3) {
                                    System.out.println("    unexpected answer: "
                                            + (answer.succeeded() ? "HTTP " + answer.result() : answer.cause()));
                                }
                            }
                        }
                        then.run();
                    });
        }

        void finishIfIdle() {
            if (stopped && active == 0 && !done.isDone()) {
                client.close();
                done.complete(new Result(ok, errors, (Math.min(end, System.nanoTime()) - measureFrom) / 1e9, latencies, seq));
            }
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
