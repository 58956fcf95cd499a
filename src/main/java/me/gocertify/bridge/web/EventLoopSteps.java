package me.gocertify.bridge.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Steps of a route that may run on the HTTP event loop ({@link EventLoopHttpEngine}) and may need the
 * store, which must never block the event loop. On any other thread (a worker, the file drop, a timer)
 * each simply runs, and the thread waits for it as before.
 */
public final class EventLoopSteps {

    private EventLoopSteps() {
    }

    /** A step that may need to block; told it may not, it must not, and answers false when it could not be done so. */
    @FunctionalInterface
    public interface Step {
        /** @return true once done (or failed, by its exception); false, nothing done, only when !mayBlock */
        boolean run(Exchange exchange, boolean mayBlock) throws Exception;
    }

    /**
     * A step done at once on the event loop when it can be done without blocking (a merchant already in
     * the cache, fresh metrics), else on a Vert.x worker thread, the route going on on the event loop
     * once it is done. Elsewhere it simply runs, and may block.
     */
    public static AsyncProcessor inlineOrOnWorker(Step step) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Context loop = eventLoop();
                try {
                    if (step.run(exchange, loop == null)) {
                        callback.done(true);
                        return true;
                    }
                } catch (Exception e) {
                    exchange.setException(e);
                    callback.done(true);
                    return true;
                }
                loop.executeBlocking(() -> step.run(exchange, true), false).onComplete(done -> {
                    if (done.failed()) {
                        exchange.setException(done.cause());
                    }
                    callback.done(false);
                });
                return false;
            }
        };
    }

    /**
     * A step whose work is done by another thread that answers with a future ({@code later}: the store's
     * group commit): on the event loop nothing waits for it, and the route goes on, on the event loop,
     * with its answer ({@code then}). Where {@code later} gives no future (no group commit: PostgreSQL),
     * or off the event loop, {@code blocking} does the work as {@link #inlineOrOnWorker} would.
     */
    public static <T> AsyncProcessor awaiting(Function<Exchange, CompletableFuture<T>> later, BiConsumer<Exchange, T> then,
            Processor blocking) {
        AsyncProcessor onWorker = inlineOrOnWorker((exchange, mayBlock) -> {
            if (mayBlock) {
                blocking.process(exchange);
            }
            return mayBlock;
        });
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Context loop = eventLoop();
                CompletableFuture<T> answer;
                try {
                    answer = loop == null ? null : later.apply(exchange);
                } catch (RuntimeException e) {
                    exchange.setException(e);
                    callback.done(true);
                    return true;
                }
                if (answer == null) {
                    return onWorker.process(exchange, callback);
                }
                // completed on the thread that did the work: the route goes back to the event loop at once
                answer.whenComplete((value, failure) -> loop.runOnContext(ignored -> {
                    try {
                        if (failure != null) {
                            exchange.setException(failure instanceof CompletionException && failure.getCause() != null
                                    ? failure.getCause() : failure);
                        } else {
                            then.accept(exchange, value);
                        }
                    } catch (RuntimeException e) {
                        exchange.setException(e);
                    }
                    callback.done(false);
                }));
                return false;
            }
        };
    }

    /** The event loop's context when the current thread is an event loop, else null (a worker's context is the event loop's too). */
    private static Context eventLoop() {
        return Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
    }
}
