package me.gocertify.bridge.web;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON answers for what Vert.x refuses before any Camel route runs: 413 from the body limit (read
 * no further than the limit), 404 for an unknown path, 405 for a wrong method. Camel has no hook
 * for these, so they are set on the Vert.x routers once the server is up.
 */
public final class HttpErrorPages implements StartupListener {

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port}}"));
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).failureHandler(context413());
        // 404 and 405 are decided by the server's root router, which mounts Camel's
        if (router.getServer().getServer().requestHandler() instanceof Router root) {
            root.errorHandler(404, answer(404, "{\"error\":\"not_found\"}"));
            root.errorHandler(405, answer(405, "{\"error\":\"method_not_allowed\"}"));
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // all the work is done once the HTTP server is fully up
    }

    private static Handler<RoutingContext> context413() {
        Handler<RoutingContext> tooLarge = answer(413, "{\"error\":\"payload_too_large\",\"detail\":\"the body must be at most 64 KiB\"}");
        return rc -> {
            if (rc.statusCode() == 413) {
                tooLarge.handle(rc);
            } else {
                rc.next();
            }
        };
    }

    private static Handler<RoutingContext> answer(int status, String json) {
        return rc -> {
            if (!rc.response().ended()) {
                rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
            }
        };
    }
}
