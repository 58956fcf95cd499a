package me.gocertify.bridge.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes the class-data-sharing archive README's command maps; {@code mvn package} runs it after
 * building the jar (pom.xml, execution {@code cds-archive}). It starts the jar on an empty data folder
 * with {@code -XX:ArchiveClassesAtExit}, on loopback and free ports, and takes it through what a
 * start and its first minutes load: the schema's migrations, the readiness and metrics endpoints, a
 * merchant set up through the admin API, a few webhooks and their deliveries to a local Yotpo
 * stand-in; then stops it, and the JVM writes every class it loaded from the jar to the archive. An
 * archive written by a bare start missed the classes of the first HTTP request (Netty's and Vert.x's
 * HTTP codec, about 150) and of applying the migrations, so the first requests loaded them from the
 * jar. The archive records the jar's path: it serves that jar file only.
 *
 * <p>Arguments: the jar, the archive to write, a folder of its own for the training start.
 */
final class CdsTraining {

    private static final String MERCHANT = "training";
    private static final String SECRET = "training-bearer-secret-0123456789";
    private static final int WEBHOOKS = 20;

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path dir = Path.of(args[2]).toAbsolutePath();
        Benchmark.clean(dir);
        Files.deleteIfExists(archive);
        List<String> jvmArgs = List.of("-XX:ArchiveClassesAtExit=" + archive,
                // classes the archive cannot take (Hawtio's, from its own class loader) are listed otherwise
                "-Xlog:cds=error", "-Xmx256m", "-XX:+UseSerialGC",
                // interpreted only: the archive keeps each method's flags as they were at exit, and on JDK 17 that
                // includes "queued for compilation", so a method waiting for the JIT when the training stopped was
                // never compiled in any start that mapped the archive (H2's ValueDataType.write, interpreted in
                // every benchmark run of such an archive: the store's writer half as fast; JDK-8306460, fixed after 17;
                // BENCHMARKS.md, session 17)
                "-Xint");
        try (YotpoStandIn yotpo = new YotpoStandIn();
                BridgeJar bridge = BridgeJar.start(jar, dir, yotpo.baseUrl(), jvmArgs, dir.resolve("bridge.log"))) {
            bridge.putMerchant(MERCHANT, SECRET, 100);
            try (LoadGenerator load = new LoadGenerator(bridge.port,
                    Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json"), 202)) {
                LoadGenerator.Result sent = load.closedLoop(Benchmark.webhooks(MERCHANT, "training"), 4, WEBHOOKS);
                if (sent.errors() > 0) {
                    throw new IllegalStateException(sent.errors() + " training webhooks were not answered 202; see "
                            + dir.resolve("bridge.log"));
                }
            }
            // so the delivery path's classes are loaded too
            await("the training deliveries at the stand-in").atMost(Duration.ofSeconds(60))
                    .until(() -> yotpo.count(BridgeJar.guid(MERCHANT)) >= WEBHOOKS);
            // an operator's first reads: a verification's status and the metrics
            bridge.admin("GET", "/admin/merchants/" + MERCHANT + "/verifications/training-1", null);
            bridge.scrape();
        }
        if (!Files.exists(archive)) {
            // a JDK without its own base archive (or without CDS) writes none; the bridge then starts without
            // one, slower but the same, so the build goes on
            System.out.println("WARNING: this JDK wrote no class-data-sharing archive (see " + dir.resolve("bridge.log")
                    + "); README's command starts the bridge without one");
        } else {
            System.out.println("Class-data-sharing archive written: " + archive);
        }
        System.exit(0);
    }
}
