package me.gocertify.bridge.web;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON answers for what Vert.x refuses before any Camel route runs: 413 from the body limit (read
 * no further than the limit), 415 for a form body its decoder refuses, 404 for an unknown path,
 * 405 for a wrong method. Camel has no hook for these, so they are set on the Vert.x routers once
 * the server is up.
 */
public final class HttpErrorPages implements StartupListener {

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port}}"));
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).failureHandler(refusals());
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

    /**
     * Vert.x's own refusals, before a route runs: 413 from the body limit, and 400 when its form or
     * multipart decoder chokes on a body (a body that is not JSON at all: the contract's 415).
     */
    private static Handler<RoutingContext> refusals() {
        Handler<RoutingContext> tooLarge = answer(413, "{\"error\":\"payload_too_large\",\"detail\":\"the body must be at most 64 KiB\"}");
        Handler<RoutingContext> notJson = answer(415,
                "{\"error\":\"unsupported_media_type\",\"detail\":\"Content-Type must be application/json (UTF-8)\"}");
        Handler<RoutingContext> invalid = answer(400, "{\"error\":\"invalid_request\",\"detail\":\"the request is malformed\",\"field\":null}");
        return rc -> {
            int status = rc.statusCode();
            if (status == 413) {
                tooLarge.handle(rc);
            } else if (status >= 400 && status < 500) {
                String contentType = rc.request().getHeader("Content-Type");
                boolean json = contentType != null && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
                (json ? invalid : notJson).handle(rc);
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
