package me.gocertify.bridge.web;

import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON answers for what Vert.x refuses before any Camel route runs: 413 from the body limit (read
 * no further than the limit), 415 for a form body its decoder refuses or a Content-Type that does not
 * parse, 404 for an unknown path, 405 for a wrong method, and, on the management port too, 400 for a
 * URL that does not decode.
 * Camel has no hook for these, so they are set on the Vert.x routers once the servers are up. Under
 * {@code /admin} a caller without the admin token is told 401 first, whatever else is wrong (contract 4),
 * so it learns nothing of which paths and methods there are.
 */
public final class HttpErrorPages implements StartupListener {

    private final Predicate<String> adminAuthorized;

    /** @param adminAuthorized whether an Authorization header carries the admin token */
    public HttpErrorPages(Predicate<String> adminAuthorized) {
        this.adminAuthorized = adminAuthorized;
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // the HTTP port's root router and the management port's
            Router root = HttpPortRouters.root(server);
            if (root != null) {
                // second: on the HTTP port the webhook's timing comes first (ops.WebhookTiming), so that these answers are timed too
                root.route().order(Integer.MIN_VALUE + 1).handler(malformedRequests());
            }
        }
        VertxPlatformHttpRouter router = HttpPortRouters.camels(context);
        if (router == null) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).failureHandler(refusals());
        // 404 and 405 are decided by the server's root router, which mounts Camel's
        Router root = HttpPortRouters.root(router);
        if (root != null) {
            root.errorHandler(404, adminFirst(answer(ClientError.notFound(null))));
            root.errorHandler(405, adminFirst(answer(new ClientError(405, "method_not_allowed", null, null))));
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
    private Handler<RoutingContext> refusals() {
        Handler<RoutingContext> tooLarge = adminFirst(answer(
                new ClientError(413, "payload_too_large", "the body must be at most 64 KiB", null)));
        Handler<RoutingContext> notJson = adminFirst(answer(ClientError.unsupportedMediaType()));
        Handler<RoutingContext> invalid = adminFirst(answer(ClientError.invalid(null, "the request is malformed")));
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

    /**
     * What Vert.x cannot parse, answered as the malformed request it is instead of a 500 with an error and
     * its stack trace in the log. This early route of each server (on the HTTP port the first after the
     * webhook's timing) runs the parsing that would fail later:
     * <ul>
     * <li>a path or query with a broken %-escape ({@code ?x=%ZZ}): Vert.x decodes both while it matches a
     * request to the routes and throws (a plain-text 400 on the HTTP port, a 500 on the management port);
     * decoded here, what it decoded is kept for the routes after it: 400;
     * <li>a Content-Type whose parameters do not parse ({@code ;="}: a lone quote): Camel's consumer reads
     * the charset of every request through Vert.x's header parser, which then throws
     * StringIndexOutOfBoundsException (found by the fuzz test): 415, or 401 first under /admin.
     * </ul>
     */
    private Handler<RoutingContext> malformedRequests() {
        Handler<RoutingContext> malformedUrl = answer(ClientError.invalid(null, "the URL is malformed (a broken %-escape)"));
        Handler<RoutingContext> malformedType = adminFirst(answer(ClientError.unsupportedMediaType()));
        return rc -> {
            try {
                rc.normalizedPath();
                if (rc.request().query() != null) {
                    rc.request().params(); // what Vert.x's matching of a route with path parameters decodes
                }
            } catch (IllegalArgumentException e) {
                malformedUrl.handle(rc);
                return;
            }
            try {
                rc.parsedHeaders().contentType().parameter("charset"); // as Camel's consumer reads it; parsed once, kept
            } catch (RuntimeException e) { // whatever Vert.x's parser throws: the header is the client's
                malformedType.handle(rc);
                return;
            }
            rc.next();
        };
    }

    /** {@code answer}, unless the request is under /admin without the admin token: then 401. */
    private Handler<RoutingContext> adminFirst(Handler<RoutingContext> answer) {
        Handler<RoutingContext> unauthorized = answer(ClientError.unauthorized());
        return rc -> {
            String path = rc.normalizedPath();
            boolean admin = path.equals("/admin") || path.startsWith("/admin/");
            (admin && !adminAuthorized.test(rc.request().getHeader("Authorization")) ? unauthorized : answer).handle(rc);
        };
    }

    /** The error's answer, its JSON body written once (the shape every refusal of the bridge has, ClientError's). */
    private static Handler<RoutingContext> answer(ClientError error) {
        int status = error.status();
        String json = Json.MAPPER.valueToTree(error.body()).toString();
        return rc -> {
            if (!rc.response().ended()) {
                rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
            }
        };
    }
}
