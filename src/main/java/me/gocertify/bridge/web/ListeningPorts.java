package me.gocertify.bridge.web;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

import io.vertx.core.net.impl.TCPServerBase;

/**
 * Makes sure the bridge listens where its settings say, or does not start. Left to itself it would
 * start, report itself ready and answer every webhook 404 in two cases: Camel's Vert.x server
 * logs a port it cannot bind and starts anyway (the bind failure is thrown on Vert.x's event loop,
 * where no caller sees it); and a management port equal to the HTTP port makes the management
 * server take over the HTTP server's router. So two settings naming one port stop the start at
 * once, and so does a server found not listening when the routes have started.
 */
public final class ListeningPorts implements StartupListener {

    private ListeningPorts() {
    }

    /**
     * Checks that no two of the ports (each by the setting that names it) are the
     * same, port 0 ("any free port") aside, and returns the listener that checks the servers listen.
     */
    public static ListeningPorts distinct(Map<String, Integer> portBySetting) {
        Map<Integer, String> settingByPort = new HashMap<>();
        for (Map.Entry<String, Integer> entry : portBySetting.entrySet()) {
            int port = entry.getValue();
            String earlier = port == 0 ? null : settingByPort.putIfAbsent(port, entry.getKey());
            if (earlier != null) {
                throw new IllegalStateException(earlier + " and " + entry.getKey() + " are both port " + port
                        + ": each needs a port of its own");
            }
        }
        return new ListeningPorts();
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // Vert.x's HttpServer interface has no "is listening"; its implementation's base class does
            if (!(server.getServer() instanceof TCPServerBase tcp) || !tcp.isListening()) {
                throw new IllegalStateException("the HTTP server could not listen on " + server.getHost() + ":"
                        + server.getConfigurationPort() + " (is another process using the port? the log above says why)");
            }
        }
    }
}
