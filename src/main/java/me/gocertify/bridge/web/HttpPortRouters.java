package me.gocertify.bridge.web;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

import io.vertx.ext.web.Router;

/**
 * The HTTP port's two Vert.x routers, once its server is up: Camel's, which holds the platform-http
 * routes, and the server's root router, which mounts Camel's and sees every request first. What the
 * bridge sets on them beside Camel (error pages, the webhook's timing) finds them here.
 */
public final class HttpPortRouters {

    private HttpPortRouters() {
    }

    /** Camel's router of the HTTP port (camel.server.port); null before its server started. */
    public static VertxPlatformHttpRouter camels(CamelContext context) {
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port}}"));
        return VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
    }

    /** The root router of the server that Camel's router belongs to; null if the server has another handler. */
    public static Router root(VertxPlatformHttpRouter camels) {
        return root(camels.getServer());
    }

    /** A platform-http server's root router (the HTTP port's or the management port's); null if it has another handler. */
    public static Router root(VertxPlatformHttpServer server) {
        return server.getServer().requestHandler() instanceof Router root ? root : null;
    }
}
