package me.gocertify.bridge.web;

import java.util.Set;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.BacklogDebugger;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.MessageHelper;
import org.apache.camel.support.http.HttpUtil;

/**
 * Camel's Vert.x HTTP engine, except that the routes of the paths named here run on the HTTP server's
 * event loop instead of a Vert.x worker thread. Camel's consumer hands every request to a worker, which
 * runs the route and then waits, parked, for the store's commit; the answer goes back to the event loop.
 * Those hand-offs (a worker woken, parked and woken again, the event loop woken for the answer) were a
 * quarter of a webhook's CPU (BENCHMARKS.md, session 13). Here the route runs where the request was
 * read, and a step that waits for the store waits without a thread ({@link EventLoopSteps}): the
 * route goes on, on the event loop, once the commit is done.
 *
 * <p>So every step of such a route must not block: the ones that may touch the store are built with
 * {@link EventLoopSteps}, which moves them to a worker thread when they would read or write. While an
 * operator debugs routes (Camel's debugger on, from Hawtio), these requests run on worker threads as
 * Camel's own consumer runs them, so a breakpoint holds one request, never the event loop.
 *
 * <p>Camel's consumer has no setting for this (it always calls the route from a worker, synchronously);
 * this one reuses its request reading and its route wiring, and writes the answer itself, the way the
 * bridge's routes leave it: a status, the answer's headers and a String body.
 */
public final class EventLoopHttpEngine extends VertxPlatformHttpEngine {

    private final Set<String> eventLoopPaths;

    /** @param eventLoopPaths the platform-http paths (as the REST DSL gives them) whose routes run on the event loop */
    public EventLoopHttpEngine(Set<String> eventLoopPaths) {
        this.eventLoopPaths = Set.copyOf(eventLoopPaths);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (!eventLoopPaths.contains(endpoint.getPath())) {
            return super.createConsumer(endpoint, processor);
        }
        return new EventLoopConsumer(endpoint, processor, this);
    }

    private static final class EventLoopConsumer extends VertxPlatformHttpConsumer {

        /** Camel's debugger, when the context has one (set up before the routes start; null: never debugging) */
        private BacklogDebugger debugger;

        EventLoopConsumer(PlatformHttpEndpoint endpoint, Processor processor, EventLoopHttpEngine engine) {
            super(endpoint, processor, engine.getHandlers(), VertxPlatformHttpRouter.getRouterNameFromPort(engine.getServerPort()));
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            // looked up once, not for every request: the context's services are a list
            debugger = getEndpoint().getCamelContext().hasService(BacklogDebugger.class);
        }

        @Override
        protected void handleRequest(RoutingContext request) {
            if (isSuspended() || debugging()) {
                super.handleRequest(request);
                return;
            }
            Exchange exchange = createExchange(false);
            // InOnly, unlike Camel's consumer (InOut): the answer is read from the message the route leaves
            // (answer below), and an InOut exchange had its whole message, headers and all, copied at the
            // end of every route and sub-route it passed, for the next to take back (BENCHMARKS.md, session 23)
            exchange.setPattern(ExchangePattern.InOnly);
            processHttpRequest(exchange, request).onComplete(read -> {
                if (read.failed()) {
                    finish(exchange, request, read.cause());
                    return;
                }
                try {
                    createUoW(exchange);
                } catch (Exception e) {
                    finish(exchange, request, e);
                    return;
                }
                // the callback runs on the event loop: the steps that waited came back to it (EventLoopSteps)
                getAsyncProcessor().process(exchange, doneSync -> {
                    try {
                        answer(request.response(), exchange);
                    } catch (RuntimeException e) {
                        // the client went away meanwhile: what was recorded stays recorded (its retry is a duplicate)
                        getExceptionHandler().handleException("Could not answer a request to " + getEndpoint().getPath(), exchange, e);
                    } finally {
                        doneUoW(exchange);
                        releaseExchange(exchange, false);
                    }
                });
            });
        }

        private boolean debugging() {
            return debugger != null && debugger.isEnabled();
        }

        /** The request could not be read (Vert.x answers it: 413 for a body too large, the bridge's error pages). */
        private void finish(Exchange exchange, RoutingContext request, Throwable failure) {
            request.fail(failure);
            releaseExchange(exchange, false);
        }

        /**
         * The route's answer: its status, its headers (Camel's own filtered out) and its body as text.
         * The routes end in an answer of their own for every refusal (the http-answers error handler), so
         * an exchange still failed here is a fault of ours: answered as HttpAnswers answers one (503, the
         * sender retries), its cause logged, never shown.
         */
        private void answer(HttpServerResponse response, Exchange exchange) {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Answered 503: the route failed", exchange, exchange.getException());
                HttpAnswers.unavailable(response);
                return;
            }
            Message message = exchange.getMessage();
            Object body = message.getBody();
            response.setStatusCode(HttpUtil.determineResponseCode(exchange, body));
            HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
            message.getHeaders().forEach((name, value) -> {
                if (value != null && (filter == null || !filter.applyFilterToCamelHeaders(name, value, exchange))) {
                    response.putHeader(name, value.toString());
                }
            });
            String contentType = MessageHelper.getContentType(message);
            if (contentType != null) {
                response.putHeader("Content-Type", contentType);
            }
            response.end(body == null ? "" : message.getBody(String.class));
        }
    }
}
