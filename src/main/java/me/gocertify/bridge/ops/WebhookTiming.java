package me.gocertify.bridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import me.gocertify.bridge.web.HttpPortRouters;

/**
 * Times every request to the webhook's path on the HTTP port, from when the server has its headers to
 * its answer, whoever answers it (the route, or Vert.x before the route: 404, 413), into
 * {@code bridge_webhook_seconds} by status.
 *
 * <p>Not Camel's route policy, which times the other routes: for the webhook's route it made three
 * {@code String.format} calls a webhook (for the names of the exchange properties it keeps its timer in),
 * 7% of the HTTP event loop's time (BENCHMARKS.md, session 22). This is a first handler on the server's
 * router, which tries it for every request in any case.
 */
public final class WebhookTiming implements StartupListener {

    private final BridgeMetrics metrics;
    private final String pathPrefix;
    private final String pathSuffix;

    /** @param webhookPath the webhook's path as the REST DSL gives it, with one parameter: {@code /a/{merchantId}/b} */
    public WebhookTiming(BridgeMetrics metrics, String webhookPath) {
        this.metrics = metrics;
        this.pathPrefix = webhookPath.substring(0, webhookPath.indexOf('{'));
        this.pathSuffix = webhookPath.substring(webhookPath.indexOf('}') + 1);
    }

    /** Before any route starts, with the servers listening (see web.HttpErrorPages): the first webhooks are timed too. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter camels = HttpPortRouters.camels(context);
        Router root = camels == null ? null : HttpPortRouters.root(camels);
        if (root != null) {
            // before every other handler, the error pages' first one too (HttpErrorPages)
            root.route().order(Integer.MIN_VALUE).handler(this::time);
        }
    }

    private void time(RoutingContext rc) {
        String path = rc.request().path();
        if (path != null && path.startsWith(pathPrefix) && path.endsWith(pathSuffix)) {
            long began = System.nanoTime();
            HttpServerResponse response = rc.response();
            rc.addEndHandler(ended -> {
                // not ended.succeeded(): over HTTP/2 (h2c) the stream's close reports a failure even after a
                // full answer. Not ended: the connection closed before any answer, and there is none to time.
                if (response.ended()) {
                    metrics.webhookAnswered(response.getStatusCode(), System.nanoTime() - began);
                }
            });
        }
        rc.next();
    }
}
