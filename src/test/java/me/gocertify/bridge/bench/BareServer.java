package me.gocertify.bridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The physical limit the bridge's webhook is compared with: a Vert.x server on the same machine
 * that reads each request's body and answers 202 with a small JSON body, doing nothing else.
 * Run in a JVM of its own, as the bridge is: {@code BareServer <port>}.
 */
public final class BareServer {

    private BareServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> request.response()
                .setStatusCode(202)
                .putHeader("Content-Type", "application/json")
                .end("{\"status\":\"accepted\"}")));
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("bare server listening on " + server.actualPort());
    }
}
