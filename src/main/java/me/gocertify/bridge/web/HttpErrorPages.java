package me.gocertify.bridge.web;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
// Vert.x's header parser, the one RoutingContext uses, has no public entry point
import io.vertx.ext.web.impl.HeaderParser;
import io.vertx.ext.web.impl.ParsableHeaderValue;
import io.vertx.ext.web.impl.ParsableLanguageValue;
import io.vertx.ext.web.impl.ParsableMIMEValue;

/**
 * JSON answers for what Vert.x refuses before any Camel route runs: 413 from the body limit (read
 * no further than the limit), 415 for a form body its decoder refuses or a Content-Type that does not
 * parse, 404 for an unknown path, 405 for a wrong method, and, on the management port too, 400 for a
 * URL that does not decode or an Accept header (or its Charset, Encoding, Language kin) that does not parse;
 * 503 instead of those 404 and 405 while the routes start or stop.
 * Camel has no hook for these, so they are set on the Vert.x routers once the servers are up. Under
 * {@code /admin} a caller without the admin token is told 401 first, whatever else is wrong (contract 4),
 * so it learns nothing of which paths and methods there are.
 */
public final class HttpErrorPages implements StartupListener {

    /** The list headers' parses, as RoutingContext parses Accept, Accept-Charset and -Encoding, Accept-Language. */
    private static final Consumer<String> MEDIA_TYPES = list(ParsableMIMEValue::new);
    private static final Consumer<String> VALUES = list(ParsableHeaderValue::new);
    private static final Consumer<String> LANGUAGES = list(ParsableLanguageValue::new);

    private final Predicate<String> adminAuthorized;

    /** @param adminAuthorized whether an Authorization header carries the admin token */
    public HttpErrorPages(Predicate<String> adminAuthorized) {
        this.adminAuthorized = adminAuthorized;
    }

    /**
     * Installs the pages once the servers listen but before any route starts (Camel calls this after starting its
     * services, the HTTP servers among them, and before its routes: EarlyChecksTest), so that no request reaches
     * a route without the early checks below. Until session 32 they came at "fully started", after the routes,
     * and the first requests of a start could skip them.
     */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = HttpPortRouters.camels(context);
        if (router == null) {
            return;
        }
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // the HTTP port's root router and the management port's
            Router root = HttpPortRouters.root(server);
            if (root != null) {
                // second: on the HTTP port the webhook's timing comes first (ops.WebhookTiming), so that these answers are timed too
                root.route().order(Integer.MIN_VALUE + 1).handler(malformedRequests());
            }
        }
        router.route().order(Integer.MIN_VALUE).failureHandler(refusals());
        // 404 and 405 are decided by the server's root router, which mounts Camel's
        Router root = HttpPortRouters.root(router);
        if (root != null) {
            // while the routes start (or stop), a path or a method without a route may be one whose route is not up
            // yet: 503, and the sender retries, rather than a 404 or 405 it may take for good
            Handler<RoutingContext> notYet = adminFirst(rc -> HttpAnswers.unavailable(rc.response()));
            root.errorHandler(404, onceStarted(context, adminFirst(answer(ClientError.notFound(null))), notYet));
            root.errorHandler(405, onceStarted(context, adminFirst(answer(new ClientError(405, "method_not_allowed", null, null))), notYet));
        }
    }

    /** {@code answer} once the context has started (all its routes), {@code meanwhile} before that and while it stops. */
    private static Handler<RoutingContext> onceStarted(CamelContext context, Handler<RoutingContext> answer,
            Handler<RoutingContext> meanwhile) {
        return rc -> (context.isStarted() ? answer : meanwhile).handle(rc);
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
     * webhook's timing) runs the parsing that would throw later (what it decoded of the URL is kept for the
     * routes):
     * <ul>
     * <li>a path or query with a broken %-escape ({@code ?x=%ZZ}): Vert.x decodes both while it matches a
     * request to the routes (a plain-text 400 on the HTTP port, a 500 on the management port): 400;
     * <li>an Accept, Accept-Charset, Accept-Encoding or Accept-Language header that does not parse (a lone
     * quote, {@code ;="}, on which Vert.x's header parser throws StringIndexOutOfBoundsException; found by
     * the fuzz test): Vert.x parses them lazily, sorting a list of two or more when Camel's consumer first
     * asks for any parsed header, and reading Accept to match a route that says what it produces (the
     * management port's): 400;
     * <li>a Content-Type whose parameters do not parse, the same way: Camel's consumer reads every request's
     * charset from it: 415.
     * </ul>
     * Under /admin, 401 first for all three, as for every refusal there (contract 4). The headers are parsed
     * here by Vert.x's own parser, but into values of their own: the request's parsed values remember a parse
     * that failed as done, so a second look at them would not throw where the first did (and a later reader
     * would then meet half-parsed values).
     */
    private Handler<RoutingContext> malformedRequests() {
        Handler<RoutingContext> malformedUrl = adminFirst(answer(ClientError.invalid(null, "the URL is malformed (a broken %-escape)")));
        Handler<RoutingContext> malformedAccept = adminFirst(answer(ClientError.invalid(null, "an Accept header is malformed")));
        Handler<RoutingContext> malformedType = adminFirst(answer(ClientError.unsupportedMediaType()));
        return rc -> {
            HttpServerRequest request = rc.request();
            if (!parses(() -> {
                rc.normalizedPath();
                if (request.query() != null) {
                    request.params(); // what Vert.x's matching of a route with path parameters decodes
                }
            })) {
                malformedUrl.handle(rc);
            } else if (!acceptHeadersParse(request)) {
                malformedAccept.handle(rc);
            } else if (!parses(request, HttpHeaders.CONTENT_TYPE, type -> new ParsableMIMEValue(type).forceParse())) { // one value
                malformedType.handle(rc);
            } else {
                rc.next();
            }
        };
    }

    /** Whether the Accept headers parse as RoutingContext parses them: Accept's as media types, its kin's as theirs. */
    private static boolean acceptHeadersParse(HttpServerRequest request) {
        return parses(request, HttpHeaders.ACCEPT, MEDIA_TYPES) && parses(request, HttpHeaders.ACCEPT_CHARSET, VALUES)
                && parses(request, HttpHeaders.ACCEPT_ENCODING, VALUES) && parses(request, HttpHeaders.ACCEPT_LANGUAGE, LANGUAGES);
    }

    /** A list header's parse as RoutingContext does it: split at the commas, sorted by weight, each value read. */
    private static Consumer<String> list(Function<String, ? extends ParsableHeaderValue> value) {
        return header -> HeaderParser.sort(HeaderParser.convertToParsedHeaderValues(header, value))
                .forEach(ParsableHeaderValue::forceParse);
    }

    /** Whether the request's header (absent: yes) goes through {@code parse} without Vert.x throwing. */
    private static boolean parses(HttpServerRequest request, CharSequence name, Consumer<String> parse) {
        String header = request.getHeader(name);
        return !quoted(header) || parses(() -> parse.accept(header));
    }

    /**
     * Whether a header holds a quote, without which Vert.x's parser does not throw: of 600,000 random headers
     * of the characters that matter to it ({@code a/;=,q" *.-}, 1 to 8 of them, as a media type, a list of
     * them and a language list), every one it threw on held a quote (session 31). So the usual request's
     * headers are not parsed twice.
     */
    private static boolean quoted(String header) {
        return header != null && header.indexOf('"') >= 0;
    }

    /** Whether Vert.x parses what the client sent without throwing (whatever it throws: the input is the client's). */
    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code answer}, unless the request is under /admin without the admin token: then 401. A path that does not
     * decode is judged as it was sent: under /admin when it begins so (one that spells /admin itself with an
     * escape cannot be told, and gets the answer).
     */
    private Handler<RoutingContext> adminFirst(Handler<RoutingContext> answer) {
        Handler<RoutingContext> unauthorized = answer(ClientError.unauthorized());
        return rc -> {
            String path = pathOf(rc);
            boolean admin = path != null && (path.equals("/admin") || path.startsWith("/admin/"));
            (admin && !adminAuthorized.test(rc.request().getHeader("Authorization")) ? unauthorized : answer).handle(rc);
        };
    }

    /** The request's path as Vert.x decodes and normalises it, or as it was sent when it does not decode. */
    private static String pathOf(RoutingContext rc) {
        try {
            return rc.normalizedPath();
        } catch (RuntimeException e) {
            return rc.request().path();
        }
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
